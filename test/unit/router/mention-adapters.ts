/**
 * Test adapters with each network's markup and identity behaviour, for the mention tests:
 * Discord and Slack show bridged people as names only (webhooks, custom usernames), Matrix
 * makes a ghost per person (`identityFor`, deterministic), IRC a puppet whose nick it reports
 * with each send (`DeliveryResult.puppet`). The mention forms are those of each network.
 */
import type {
  AdapterBuilder,
  AdapterComponents,
  ExternalUserId,
  SenderDisplay,
} from '../../../src/bridges/types.js';
import type { Markup } from '../../../src/bridges/format/index.js';
import type { TestNetwork } from '../../support/test-adapter.js';
import { createTestAdapter, type TestAdapter } from '../../support/test-adapter.js';

export type Net = 'discord' | 'slack' | 'matrix' | 'irc';
export const NETS: readonly Net[] = ['discord', 'slack', 'matrix', 'irc'];

export const MARKUP: Record<Net, Markup> = {
  discord: 'discord',
  slack: 'slack',
  matrix: 'matrix-html',
  irc: 'irc',
};

/** The Matrix ghost of a Multichat person, as the test Matrix adapter names it. */
export const ghostOf = (userId: string): string => `@_mc_${userId.toLowerCase()}:hs`;
/**
 * The IRC puppet nick of a person, as the test IRC adapter reports it (a suffix, like `[m]`;
 * `_` appended while another person's puppet holds it).
 */
export const puppetOf = (name: string): string => `${name}[m]`;

/** How a person with network id `id` (and name `name`) is mentioned in the network's markup. */
export function nativeMention(net: Net, id: string, name: string): string {
  switch (net) {
    case 'discord':
    case 'slack':
      return `<@${id}>`;
    case 'matrix':
      return `<a href="https://matrix.to/#/${id}">${name}</a>`;
    case 'irc':
      return `@${id}`;
  }
}

/** The documented fallback for a person with no identity on `net`: the name in bold. */
export function boldName(net: Net, name: string): string {
  switch (net) {
    case 'discord':
      return `**${name}**`;
    case 'slack':
      return `*${name}*`;
    case 'matrix':
      return `<strong>${name}</strong>`;
    case 'irc':
      return `\x02${name}\x02`;
  }
}

export function mentionAdapter(net: Net, network: TestNetwork): AdapterBuilder {
  // Joins and roles are carried (recorded), so nothing is dropped as unsupported.
  const inner = createTestAdapter({
    name: net,
    network,
    capabilities: { markup: MARKUP[net], membership: true, roles: true },
  });
  const build = (components: AdapterComponents): TestAdapter => {
    const adapter = inner(components);
    if (net === 'matrix') {
      return Object.assign(adapter, {
        identityFor: (sender: SenderDisplay) => ghostOf(sender.id) as ExternalUserId,
      });
    }
    if (net === 'irc') {
      // Like a server: a nick in use by another puppet gets `_` appended.
      const holders = new Map<string, string>();
      const nickOf = (sender: SenderDisplay): string => {
        let nick = puppetOf(sender.name);
        while ((holders.get(nick) ?? sender.id) !== sender.id) nick += '_';
        holders.set(nick, sender.id);
        return nick;
      };
      const send = adapter.send.bind(adapter);
      return Object.assign(adapter, {
        send: async (action: Parameters<TestAdapter['send']>[0]) => ({
          ...(await send(action)),
          puppet: nickOf(action.sender) as ExternalUserId,
        }),
      });
    }
    return adapter;
  };
  return Object.assign(build, { network: inner.network });
}
