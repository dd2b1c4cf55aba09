/**
 * What the `multichat import <network>` suites share: a CLI io that keeps what was printed, a
 * temp folder with a gateway config for the bridge under test and a node holding the channel
 * `general`, and every message of that channel read back from the node's data.
 */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ChannelId, MessageView } from '../../src/core/types.js';
import type { CliIo } from '../../src/gateway/cli/types.js';
import { tempNode } from './core.js';

/** A CliIo that keeps its output lines and its error lines, with an empty environment. */
export function cliIo(): CliIo & { lines: string[]; errors: string[] } {
  const lines: string[] = [];
  const errors: string[] = [];
  return { lines, errors, out: (l) => lines.push(l), err: (l) => errors.push(l), env: {} };
}

export interface ImportSetup {
  /** The temp folder; the suite removes it. */
  readonly dir: string;
  readonly configPath: string;
  /** The channel `general`, created by `owner` in the node's data under dir/data. */
  readonly general: ChannelId;
}

/** Writes gateway.yaml with `bridges` (quiet log, loopback listen) and creates `general`. */
export async function prepareImport(
  prefix: string,
  bridges: Record<string, unknown>,
): Promise<ImportSetup> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  const configPath = join(dir, 'gateway.yaml');
  await writeFile(
    configPath,
    JSON.stringify({
      node: { dataDir: join(dir, 'data'), listen: ['/ip4/127.0.0.1/tcp/0'], mdns: false },
      log: { level: 'error', format: 'json' },
      bridges,
    }),
  );
  const node = await tempNode({ dataDir: join(dir, 'data') });
  const owner = (await node.createLocalUser('owner')).user;
  const general = (await node.submit(owner.id, { kind: 'createChannel', name: 'general' })).channel
    ?.id as ChannelId;
  await node.stop();
  return { dir, configPath, general };
}

/** Every message of `channel` in the node's data under dir/data, oldest first. */
export async function allMessages(dir: string, channel: ChannelId): Promise<MessageView[]> {
  const node = await tempNode({ dataDir: join(dir, 'data') });
  try {
    // Without an anchor the newest page comes first: walk back to the start.
    let page = node.listMessages(channel, { limit: 500 });
    const out = [...page];
    while (page.length === 500) {
      page = node.listMessages(channel, { limit: 500, before: page[0]!.id });
      out.unshift(...page);
    }
    return out;
  } finally {
    await node.stop();
  }
}
