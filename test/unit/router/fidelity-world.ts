/**
 * The world of the generated fidelity matrix (fidelity-matrix.test.ts): the table itself, read
 * from docs/fidelity.md (which test/unit/docs/fidelity.test.ts keeps equal to what
 * `npm run docs:fidelity` renders from the adapters' capabilities), and a router with two test
 * adapters that declare exactly the real adapters' capabilities (`loadCapabilities`, the data the
 * table is rendered from). The test adapters record every action the router hands them, so a
 * case sees what arrived on the target as the router decided it.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadCapabilities, type Column } from '../../../scripts/fidelity.js';
import { targetKeyOf } from '../../../src/mapping/index.js';
import type { NetworkName } from '../../../src/mapping/types.js';
import type {
  AdapterCapabilities,
  AdapterComponents,
  ExternalMessageId,
  ExternalUserId,
  InboundMessage,
  LinkTarget,
  SendAction,
  SenderDisplay,
} from '../../../src/bridges/types.js';
import type { ChannelId } from '../../../src/core/types.js';
import {
  createTestAdapter,
  TestNetwork,
  type Post,
  type TestAdapter,
} from '../../support/test-adapter.js';
import { startHarness, type Harness } from './harness.js';
import { ghostOf, puppetOf } from './mention-adapters.js';

/** The four networks of the matrix, by the column of the table each one reads. */
export const NETWORKS = ['matrix', 'discord', 'slack', 'irc'] as const;
export type Net = (typeof NETWORKS)[number];

/** Which table column a network's cells are read from (IRC: one matrix per mode). */
export type IrcMode = 'IRC relay' | 'IRC puppet';
export const columnOf = (net: Net, irc: IrcMode): string =>
  ({ matrix: 'Matrix', discord: 'Discord', slack: 'Slack', irc })[net];

/** The table as docs/fidelity.md has it: feature → column title → cell text (unescaped). */
export interface Table {
  readonly features: readonly string[];
  cell(feature: string, column: string): string;
}

export function readTable(): Table {
  const root = join(import.meta.dirname, '..', '..', '..');
  const lines = readFileSync(join(root, 'docs', 'fidelity.md'), 'utf8').split('\n');
  const split = (line: string) =>
    line
      .slice(2, -2)
      .split(/(?<!\\) \| /)
      .map((c) => c.replace(/\\\|/g, '|'));
  const head = lines.find((l) => l.startsWith('| feature |'));
  if (!head) throw new Error('docs/fidelity.md has no table');
  const columns = split(head).slice(1);
  const rows = new Map<string, string[]>();
  for (const line of lines.filter((l) => l.startsWith('| ') && l !== head)) {
    const [feature, ...cells] = split(line);
    rows.set(feature ?? '', cells);
  }
  return {
    features: [...rows.keys()],
    cell(feature, column) {
      const at = columns.indexOf(column);
      const cell = rows.get(feature)?.[at];
      if (at < 0 || cell === undefined) throw new Error(`no cell ${feature} × ${column}`);
      return cell;
    },
  };
}

export interface PairWorld {
  readonly h: Harness;
  readonly from: Net;
  readonly to: Net;
  /** The target's declared capabilities (its column's data). */
  readonly caps: AdapterCapabilities;
  /** This row's target, on both networks. */
  readonly at: LinkTarget;
  readonly channel: ChannelId;
  readonly source: TestAdapter;
  readonly target: TestAdapter;
  readonly sent: SendAction[];
  readonly sourceName: string;
  readonly targetName: string;
}

/** Builds a test adapter that declares `caps` and records sends; ghosts/puppets as the network. */
function recordingAdapter(name: string, net: Net, caps: AdapterCapabilities, sent: SendAction[]) {
  const network = new TestNetwork(`${name}-`);
  const inner = createTestAdapter({ name, network, capabilities: caps });
  const build = (components: AdapterComponents): TestAdapter => {
    const adapter = inner(components);
    const send = adapter.send.bind(adapter);
    // Matrix names a ghost from the person alone; an IRC puppet reports its nick per send.
    const puppet = net === 'irc' && caps.membership;
    const identity =
      net === 'matrix'
        ? { identityFor: (s: SenderDisplay) => ghostOf(s.id) as ExternalUserId }
        : {};
    return Object.assign(adapter, identity, {
      send: async (action: SendAction) => {
        sent.push(action);
        const result = await send(action);
        return puppet
          ? { ...result, puppet: puppetOf(action.sender.name) as ExternalUserId }
          : result;
      },
    });
  };
  return { build: Object.assign(build, { network: inner.network }), network };
}

let columns: Promise<Column[]> | undefined;
export async function capabilitiesOf(column: string): Promise<AdapterCapabilities> {
  columns ??= loadCapabilities();
  const found = (await columns).find((c) => c.title === column);
  if (!found) throw new Error(`no capabilities for column ${column}`);
  return found.caps;
}

export const urlFor = (hash: string, name: string) =>
  `http://gw.test/api/v1/media/${hash}?name=${encodeURIComponent(name)}&sig=x`;

/** A router with a source and a target network (one per ordered pair, shared by its rows). */
export interface Pair extends Omit<PairWorld, 'at' | 'channel'> {
  /** Links a fresh channel, created by the gateway, at a fresh target of both networks. */
  openRow(label: string): Promise<PairWorld>;
}

/**
 * Adapter names are `s-<net>` and `t-<net>`: the router sees two networks, never their names.
 * The gateway creates each row's channel, so it is its admin: topics and roles are carried.
 */
export async function startPair(source: Net, target: Net, irc: IrcMode): Promise<Pair> {
  const sourceName = `s-${source}`;
  const targetName = `t-${target}`;
  const sent: SendAction[] = [];
  const ignored: SendAction[] = [];
  const caps = await capabilitiesOf(columnOf(target, irc));
  const s = recordingAdapter(
    sourceName,
    source,
    await capabilitiesOf(columnOf(source, irc)),
    ignored,
  );
  const t = recordingAdapter(targetName, target, caps, sent);
  const networks = new Map([
    [sourceName, s.network],
    [targetName, t.network],
  ]);
  const h = await startHarness(
    [
      { name: sourceName, build: s.build },
      { name: targetName, build: t.build },
    ],
    {
      link: false,
      networks,
      runtimeOptions: { mediaMaxBytes: 1_000_000, blobWaitMs: 200, mediaLinks: { urlFor } },
    },
  );
  const base = {
    h,
    from: source,
    to: target,
    caps,
    source: h.adapter(sourceName),
    target: h.adapter(targetName),
    sent,
    sourceName,
    targetName,
  };
  let rows = 0;
  return {
    ...base,
    async openRow(label) {
      const at = { channel: `row${++rows}-${label.replace(/[^a-z]/g, '')}` };
      let channel = '';
      for (const network of [sourceName, targetName])
        channel = (await h.runtime.links.create({ channel: at.channel, network, target: at }))
          .channel;
      return { ...base, at, channel: channel as ChannelId };
    },
  };
}

/** The entries of `list` (actions the target got) at this row's target. */
export const mine = <T extends { readonly target: LinkTarget }>(w: PairWorld, list: readonly T[]) =>
  list.filter((x) => x.target['channel'] === w.at['channel']);

let seq = 0;

/** `user` of the source network posts `text` at the linked target; resolves with its id. */
export async function speak(
  w: PairWorld,
  user: string | { readonly id: string; readonly name: string },
  text: string,
  extra: Partial<Omit<InboundMessage, 'kind' | 'target' | 'sender' | 'text'>> = {},
): Promise<ExternalMessageId> {
  const externalId = `in-${++seq}` as ExternalMessageId;
  await w.source.inject({
    kind: 'message',
    target: w.at,
    externalId,
    sender: typeof user === 'string' ? senderOf(user) : senderOf(user.id, user.name),
    text,
    ...extra,
  });
  await w.h.settle();
  return externalId;
}

export const senderOf = (user: string, name = user) => ({
  externalId: user as ExternalUserId,
  displayName: name,
});

/** The live posts on the target network, oldest first. */
export const postsOf = (w: PairWorld): Post[] =>
  w.h.networks.get(w.targetName)?.at(targetKeyOf(w.targetName as NetworkName, w.at)) ?? [];

/** The target's post whose text is `text` (its id there). */
export function postOf(w: PairWorld, text: string): Post {
  const post = postsOf(w).find((p) => p.text === text);
  if (!post) throw new Error(`no post "${text}" on ${w.to}: ${postsOf(w).map((p) => p.text)}`);
  return post;
}
