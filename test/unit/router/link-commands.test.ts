import { describe, expect, it } from 'vitest';
import { AdapterRegistrationError } from '../../../src/bridges/errors.js';
import { linkCommandHandler } from '../../../src/bridges/link-commands.js';
import { createBridgeRuntime } from '../../../src/bridges/runtime/index.js';
import type {
  AdapterBuilder,
  AdapterComponents,
  BridgeAdapter,
  NetworkName,
} from '../../../src/bridges/types.js';
import { silentLogger } from '../../../src/core/options.js';
import { createMappingStore } from '../../../src/mapping/index.js';
import { join } from 'node:path';
import { tempDir, tempNode } from '../../support/core.js';

/** A builder for `network` whose adapter is named `name`, keeping the components it got. */
function commandAdapter(network: string, name = network) {
  const got: AdapterComponents[] = [];
  const adapter: BridgeAdapter = {
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
  };
  const build: AdapterBuilder = Object.assign(
    (components: AdapterComponents) => {
      got.push(components);
      return adapter;
    },
    { network: network as NetworkName },
  );
  return { build, got };
}

describe('in-network link commands', () => {
  it('the runtime injects its link manager into every adapter it builds; link, links, unlink work through it', async () => {
    const node = await tempNode();
    const store = await createMappingStore({ kind: 'sqlite', path: join(tempDir(), 'mapping.db') });
    await store.init();
    const { build, got } = commandAdapter('chat');
    const runtime = createBridgeRuntime({
      node,
      store,
      adapters: [build],
      logger: silentLogger as never,
    });
    expect(got).toHaveLength(1);
    expect(got[0]!.links).toBe(runtime.links);
    const commands = linkCommandHandler(got[0]!.links!, 'chat');
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

  it('refuses a builder whose adapter carries another name than the one it announced', async () => {
    const node = await tempNode();
    const store = await createMappingStore({ kind: 'sqlite', path: join(tempDir(), 'mapping.db') });
    await store.init();
    const { build } = commandAdapter('chat', 'other');
    const create = () =>
      createBridgeRuntime({ node, store, adapters: [build], logger: silentLogger as never });
    expect(create).toThrow(AdapterRegistrationError);
    expect(create).toThrow('the builder for chat made an adapter named other');
    await store.close();
  });
});
