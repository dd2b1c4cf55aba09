/**
 * docs/fidelity.md, generated: one table of what each conversation event becomes on each
 * network, computed from the adapters' declared capabilities (what the router reads to decide
 * what it queues) and the runtime's degradation rules (runtime/outbound.ts, fanout.ts,
 * media-out.ts, mentions-out.ts). `npm run docs:fidelity` writes the file; the unit test
 * test/unit/docs/fidelity.test.ts renders it in memory and fails when the checked-in copy is
 * stale. No I/O happens in `renderFidelity`; `loadCapabilities` builds adapters without
 * starting them (a builder does no I/O) to read their `capabilities`.
 */
import { loadBridge } from '../src/bridges/registry.js';
import type { AdapterCapabilities, AdapterComponents, NetworkName } from '../src/bridges/types.js';

export interface Column {
  readonly title: string;
  readonly caps: AdapterCapabilities;
}

/** Minimal valid configs: capabilities depend on a few settings (IRC mode, Discord typing). */
const SAMPLES: readonly { title: string; network: string; config: unknown }[] = [
  {
    title: 'Matrix',
    network: 'matrix',
    config: undefined, // read from the adapter's exported constant (a build needs a registration file)
  },
  { title: 'Discord', network: 'discord', config: { token: 'x' } },
  { title: 'Slack', network: 'slack', config: { botToken: 'xoxb-x', appToken: 'xapp-x' } },
  {
    title: 'IRC relay',
    network: 'irc',
    config: { networks: { n: { host: 'irc.invalid', nick: 'mc', mode: 'relay' } } },
  },
  {
    title: 'IRC puppet',
    network: 'irc',
    config: { networks: { n: { host: 'irc.invalid', nick: 'mc', mode: 'puppet' } } },
  },
];

export async function loadCapabilities(): Promise<Column[]> {
  const noop = () => undefined;
  const components: AdapterComponents = {
    logger: { debug: noop, info: noop, warn: noop, error: noop },
    emit: async () => undefined,
    reportHealth: noop,
    clock: { now: () => 0 },
  };
  const columns: Column[] = [];
  for (const s of SAMPLES) {
    if (s.config === undefined) {
      const { matrixCapabilities } = await import('../src/bridges/matrix/adapter.js');
      columns.push({ title: s.title, caps: matrixCapabilities });
      continue;
    }
    const module = await loadBridge(s.network);
    const adapter = module.createAdapter(s.config, s.network as NetworkName)(components);
    columns.push({ title: s.title, caps: adapter.capabilities });
  }
  return columns;
}

/** The legend below the table explains the mark: counted and logged, never silent. */
const DROPPED = 'not carried (dropped ¹)';

const MARKUP: Readonly<Record<string, string>> = {
  'matrix-html': 'native (HTML `formatted_body`)',
  discord: 'native (Discord markdown)',
  slack: 'native (mrkdwn)',
  irc: 'bold, italic, strikethrough and code (monospace) as IRC control codes; underline as italic; links as `text (url)`',
  markdown: 'native (Markdown)',
  plain: 'plain text',
};

type Row = readonly [feature: string, cell: (c: AdapterCapabilities) => string];

/** One rule per feature: what the event becomes given what the network declares. */
const ROWS: readonly Row[] = [
  ['text', () => 'carried'],
  ['formatting', (c) => MARKUP[c.markup] ?? c.markup],
  [
    'edits',
    (c) =>
      !c.edits
        ? DROPPED
        : c.markup === 'irc'
          ? 'a correction line `(edit) new text`'
          : 'native edit',
  ],
  ['deletes', (c) => (c.deletes ? 'native delete' : DROPPED)],
  [
    'replies',
    (c) =>
      c.replies
        ? c.markup === 'irc'
          ? 'addressed IRC style: `alice: text`'
          : c.markup === 'discord'
            ? 'a `↪ <jump link>` first line (webhooks cannot reply); native in bot mode'
            : 'native reply'
        : c.threads
          ? 'into the thread when the replied message is in one; else a quote line `> name: first words` above the text'
          : 'a quote line `> name: first words` above the text',
  ],
  [
    'threads',
    (c) =>
      c.threads
        ? 'native thread'
        : c.replies
          ? "a reply to the thread's root"
          : 'a plain message in the channel',
  ],
  [
    'reactions',
    (c) =>
      !c.reactions
        ? DROPPED
        : c.markup === 'irc'
          ? 'an emote line `* nick reacted 👍 to alice: "words…"`; a removal `* nick took back 👍 from alice: "words…"`'
          : c.reactionsPerPerson || c.membership
            ? 'native, by the person’s ghost'
            : 'native, by the bot once per emoji; removed when the last bridged reactor removes theirs; an emoji the network lacks becomes a short line `reacted :name:`, deleted on removal',
  ],
  [
    'files',
    (c) =>
      c.attachments
        ? 'uploaded natively; a failed upload becomes a signed link line'
        : '`name: url` line with a signed link to the gateway',
  ],
  [
    'mentions',
    () =>
      'the person’s own account there, else their ghost or puppet, else the name in bold (by id, never by name)',
  ],
  ['topic', (c) => (c.topic ? 'set by the bridge (when it has the right)' : DROPPED)],
  [
    'join/leave',
    (c) => (c.membership ? 'the ghost or puppet joins and leaves' : `not shown (dropped ¹)`),
  ],
  [
    'typing',
    (c) =>
      !c.typing
        ? 'not shown (dropped ¹)'
        : c.membership
          ? 'the person’s ghost or puppet types (best effort)'
          : 'the bot is shown typing (no typing per bridged name; best effort)',
  ],
  [
    'presence',
    (c) =>
      c.presence ? 'the ghost’s presence (best effort)' : 'not shown (best effort, not counted)',
  ],
  ['roles', (c) => (c.roles ? 'set on the person’s ghost or puppet' : DROPPED)],
  [
    'long messages',
    (c) =>
      `split into parts of at most ${c.maxMessageLength} ${c.maxMessageBytes ? 'bytes' : 'characters'}, between blocks (a long code block as several closed code blocks); a longer edit edits the parts and posts the rest after them`,
  ],
];

const escape = (text: string) => text.replace(/\|/g, '\\|');

export function renderFidelity(columns: readonly Column[]): string {
  const head = `| feature | ${columns.map((c) => c.title).join(' | ')} |`;
  const rule = `|---|${columns.map(() => '---').join('|')}|`;
  const rows = ROWS.map(
    ([feature, cell]) => `| ${feature} | ${columns.map((c) => escape(cell(c.caps))).join(' | ')} |`,
  );
  return [
    '# Fidelity: what each event becomes on each network',
    '',
    '<!-- Generated by `npm run docs:fidelity` (scripts/fidelity.ts) from the adapters’ declared',
    'capabilities; test/unit/docs/fidelity.test.ts fails when this file is stale. Do not edit. -->',
    '',
    'Each cell says what an event from another network (or from Multichat) becomes when it is',
    'delivered to this network: carried natively, or turned into something else by the written',
    'rule shown. Whatever is not carried at all is counted in',
    '`multichat_bridge_dropped_total{network,kind,reason}` and logged at debug, never dropped',
    'silently. Events that arrive *from* a network are carried into Multichat the same way for',
    'every network (text, formatting, edits, deletes, replies, threads, reactions, files, mentions,',
    'topic, joins, leaves, roles, typing and presence where the network reports them).',
    '',
    head,
    rule,
    ...rows,
    '',
    '¹ Counted as `multichat_bridge_dropped_total{network,kind,reason="unsupported"}` and logged at',
    'debug: the network’s adapter does not declare the capability, so the router queues nothing.',
    '',
    'Expiry and retention: when a message expires in Multichat, the copies the gateway posted are',
    'deleted on every network that can delete; the original on the network it came from only',
    'with `retention.deleteOriginals: true` (default false).',
    '',
  ].join('\n');
}
