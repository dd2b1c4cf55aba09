import { describe, expect, it } from 'vitest';
import { linkCommandHandler } from '../../../src/bridges/link-commands.js';
import { createBridgeRuntime } from '../../../src/bridges/runtime/index.js';
import type { BridgeAdapter, LinkControl, NetworkName } from '../../../src/bridges/types.js';
import { silentLogger } from '../../../src/core/options.js';
import { createMappingStore } from '../../../src/mapping/index.js';
import { join } from 'node:path';
import { tempDir, tempNode } from '../../support/core.js';

function commandAdapter(name: string) {
  const attached: LinkControl[] = [];
  const adapter: BridgeAdapter & { attachLinks(c: LinkControl): void } = {
    name: name as NetworkName,
    capabilities: {
      markup: 'markdown',
      maxMessageLength: 2000,
      edits: false,
      deletes: false,
      reactions: false,
      threads: false,
      replies: false,
      presence: false,
      membership: false,
      attachments: false,
      rateLimit: { messagesPerSecond: 10, burst: 10 },
      idempotentSends: false,
    },
    start: async () => undefined,
    stop: async () => undefined,
    send: async () => ({ externalIds: [] }),
    health: () => ({ state: 'connected' }),
    attachLinks: (control) => attached.push(control),
  };
  return { adapter, attached };
}

describe('in-network link commands', () => {
  it('the runtime lends its link manager to adapters with commands; link, links, unlink work through it', async () => {
    const node = await tempNode();
    const store = await createMappingStore({ kind: 'sqlite', path: join(tempDir(), 'mapping.db') });
    await store.init();
    const { adapter, attached } = commandAdapter('chat');
    const runtime = createBridgeRuntime({
      node,
      store,
      adapters: [() => adapter],
      logger: silentLogger as never,
    });
    expect(attached).toHaveLength(1);
    const commands = linkCommandHandler(attached[0]!, 'chat');
    const here = { channel: 'C1' };

    expect(await commands.links(here)).toBe('This channel has no Multichat link.');
    expect(await commands.link(here, 'general')).toMatch(
      /^Linked to the Multichat channel general \(link /,
    );
    expect(await commands.link(here, 'general')).toMatch(/^Not linked: /);
    expect(await commands.links({ channel: 'C2' })).toBe('This channel has no Multichat link.');
    expect(await commands.links(here)).toMatch(/^Linked to general/);
    expect((await runtime.links.list()).map((l) => [l.network, l.target, l.channelName])).toEqual([
      ['chat', here, 'general'],
    ]);
    expect(await commands.unlink(here)).toMatch(/^Removed general/);
    expect(await runtime.links.list()).toEqual([]);
    await store.close();
  });
});
