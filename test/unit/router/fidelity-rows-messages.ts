/**
 * Rows of the fidelity matrix about messages: text, formatting, edits, deletes, replies, threads,
 * reactions and files (see fidelity-features.ts for how a row is read).
 */
import { randomBytes } from 'node:crypto';
import { expect } from 'vitest';
import type { ExternalMessageId, SendAction } from '../../../src/bridges/types.js';
import { targetKeyOf } from '../../../src/mapping/index.js';
import type { NetworkName } from '../../../src/mapping/types.js';
import { feature, type Feature } from './fidelity-features.js';
import {
  postOf,
  postsOf,
  senderOf,
  speak,
  mine,
  urlFor,
  type Net,
  type PairWorld,
} from './fidelity-world.js';
import { memoryFile, sha256 } from './media-adapter.js';

/** Bold, italic and code as a person writes them on each network (IRC has no code). */
const FORMATTED: Record<Net, string> = {
  matrix: '<strong>bold</strong> <em>it</em> <code>code</code>',
  discord: '**bold** _it_ `code`',
  slack: '*bold* _it_ `code`',
  irc: '\x02bold\x02 \x1dit\x1d code',
};

/** What the target shows for FORMATTED: bold and italic, and code unless it came from IRC. */
const formatted = (w: PairWorld, b: string, i: string, code: string) =>
  `${b} ${i} ${w.from === 'irc' ? 'code' : code}`;

const formatting = feature<SendAction | undefined>({
  feature: 'formatting',
  ownKinds: [],
  run: async (w) => {
    await speak(w, 'bob', FORMATTED[w.from]);
    return mine(w, w.sent).at(-1);
  },
  cells: [
    ['native (HTML `formatted_body`)', '<strong>bold</strong>', '<em>it</em>', '<code>code</code>'],
    ['native (Discord markdown)', '**bold**', '_it_', '`code`'],
    ['native (mrkdwn)', '*bold*', '_it_', '`code`'],
    [
      'bold, italic, strikethrough and code (monospace) as IRC control codes; underline as italic; links as `text (url)`',
      '\x02bold\x02',
      '\x1dit\x1d',
      '\x11code\x11',
    ],
  ].map(([cell, b, i, c]) => ({
    cell: cell as string,
    outcome: 'carried' as const,
    check: (sent: SendAction | undefined, w: PairWorld) =>
      expect(sent?.text).toBe(formatted(w, b as string, i as string, c as string)),
  })),
});

const text = feature<void>({
  feature: 'text',
  ownKinds: ['send'],
  run: async (w) => void (await speak(w, 'bob', 'hello there')),
  cells: [
    {
      cell: 'carried',
      outcome: 'carried',
      check: (_, w) => {
        expect(postsOf(w).map((p) => [p.sender, p.text])).toEqual([['bob', 'hello there']]);
      },
    },
  ],
});

const edits = feature<void>({
  feature: 'edits',
  ownKinds: ['edit'],
  run: async (w) => {
    const id = await speak(w, 'bob', 'draft');
    await w.source.inject({
      kind: 'edit',
      target: w.at,
      externalId: id,
      sender: senderOf('bob'),
      text: 'final',
    });
    await w.h.settle();
  },
  cells: [
    // The IRC adapter writes the edit as its correction line (contract case `edit`).
    ...['native edit', 'a correction line `(edit) new text`'].map((cell) => ({
      cell,
      outcome: (cell === 'native edit' ? 'carried' : 'degraded') as 'carried' | 'degraded',
      check: (_: void, w: PairWorld) => {
        expect(postsOf(w).map((p) => [p.text, p.edits])).toEqual([['final', 1]]);
      },
    })),
    {
      cell: 'not carried (dropped ¹)',
      outcome: 'dropped',
      check: (_, w) => expect(postsOf(w).map((p) => [p.text, p.edits])).toEqual([['draft', 0]]),
    },
  ],
});

const deletes = feature<void>({
  feature: 'deletes',
  ownKinds: ['delete'],
  run: async (w) => {
    const id = await speak(w, 'bob', 'doomed');
    await w.source.inject({ kind: 'delete', target: w.at, externalId: id });
    await w.h.settle();
  },
  cells: [
    { cell: 'native delete', outcome: 'carried', check: (_, w) => expect(postsOf(w)).toEqual([]) },
    {
      cell: 'not carried (dropped ¹)',
      outcome: 'dropped',
      check: (_, w) => expect(postsOf(w).map((p) => p.text)).toEqual(['doomed']),
    },
  ],
});

/** A question; an answer to it; a message in its thread; an answer to that message. */
async function conversation(w: PairWorld): Promise<void> {
  const question = await speak(w, 'bob', 'shall we?\nsecond line');
  await speak(w, 'carol', 'answer', { replyTo: question });
  const inThread = await speak(w, 'dan', 'in thread', { threadRoot: question });
  await speak(w, 'erin', 'answer in thread', { replyTo: inThread });
}

/** The question, first on the target (its text is in the target's markup). */
function questionOf(w: PairWorld) {
  const [first] = postsOf(w);
  if (!first) throw new Error(`nothing arrived on ${w.to}`);
  return first;
}

const replies = feature<void>({
  feature: 'replies',
  ownKinds: [],
  run: conversation,
  cells: [
    ...[
      'native reply',
      // The Discord adapter writes the jump link line (contract case `reply`).
      'a `↪ <jump link>` first line (webhooks cannot reply); native in bot mode',
      // The IRC adapter writes the `nick: ` address (contract case `reply`).
      'addressed IRC style: `alice: text`',
    ].map((cell) => ({
      cell,
      outcome: (cell === 'native reply' ? 'carried' : 'degraded') as 'carried' | 'degraded',
      check: (_: void, w: PairWorld) => {
        expect(postOf(w, 'answer').replyTo).toBe(questionOf(w).id);
        expect(postOf(w, 'answer in thread').replyTo).toBe(postOf(w, 'in thread').id);
        expect(postOf(w, 'answer').replyQuote).toBeUndefined();
      },
    })),
    {
      cell: 'into the thread when the replied message is in one; else a quote line `> name: first words` above the text',
      outcome: 'degraded',
      check: (_, w) => {
        const answer = postOf(w, 'answer');
        expect([answer.replyTo, answer.threadRoot]).toEqual([undefined, undefined]);
        expect(answer.replyQuote).toEqual({ name: 'bob', text: 'shall we?' });
        const inThread = postOf(w, 'answer in thread');
        expect(inThread.threadRoot).toBe(questionOf(w).id);
        expect(inThread.replyQuote).toBeUndefined();
      },
    },
    {
      cell: 'a quote line `> name: first words` above the text',
      outcome: 'degraded',
      check: (_, w) => {
        expect(postOf(w, 'answer').replyQuote).toEqual({ name: 'bob', text: 'shall we?' });
        expect(postOf(w, 'answer').replyTo).toBeUndefined();
      },
    },
  ],
});

const threads = feature<void>({
  feature: 'threads',
  ownKinds: [],
  run: async (w) => {
    const root = await speak(w, 'bob', 'root');
    await speak(w, 'carol', 'in thread', { threadRoot: root });
  },
  cells: [
    {
      cell: 'native thread',
      outcome: 'carried',
      check: (_, w) => expect(postOf(w, 'in thread').threadRoot).toBe(postOf(w, 'root').id),
    },
    {
      cell: "a reply to the thread's root",
      outcome: 'degraded',
      check: (_, w) => {
        const post = postOf(w, 'in thread');
        expect([post.threadRoot, post.replyTo]).toEqual([undefined, postOf(w, 'root').id]);
      },
    },
    {
      cell: 'a plain message in the channel',
      outcome: 'degraded',
      check: (_, w) => {
        const post = postOf(w, 'in thread');
        expect([post.threadRoot, post.replyTo, post.replyQuote]).toEqual([
          undefined,
          undefined,
          undefined,
        ]);
      },
    },
  ],
});

/** After each step (carol adds, dan adds, carol removes, dan removes): reacts and unreacts. */
type Steps = readonly (readonly [number, number])[];

const reactions = feature<Steps>({
  feature: 'reactions',
  ownKinds: ['react', 'unreact'],
  run: async (w) => {
    const id = await speak(w, 'bob', 'like me');
    const steps: [number, number][] = [];
    for (const [who, added] of [
      ['carol', true],
      ['dan', true],
      ['carol', false],
      ['dan', false],
    ] as const) {
      await w.source.inject({
        kind: 'reaction',
        target: w.at,
        externalId: id as ExternalMessageId,
        sender: senderOf(who),
        emoji: '👍',
        added,
      });
      await w.h.settle();
      const key = targetKeyOf(w.targetName as NetworkName, w.at);
      const calls =
        w.h.networks
          .get(w.targetName)
          ?.calls.filter((c) => c.outcome === 'ok' && c.target === key) ?? [];
      const count = (kind: string) => calls.filter((c) => c.kind === kind).length;
      steps.push([count('react'), count('unreact')]);
    }
    return steps;
  },
  cells: [
    ...[
      'native, by the person’s ghost',
      'an emote line `* nick reacted 👍 to alice: "words…"`; a removal `* nick took back 👍 from alice: "words…"`',
    ].map((cell) => ({
      cell,
      outcome: (cell.startsWith('native') ? 'carried' : 'degraded') as 'carried' | 'degraded',
      // Every person's add and removal goes out.
      check: (steps: Steps) =>
        expect(steps).toEqual([
          [1, 0],
          [2, 0],
          [2, 1],
          [2, 2],
        ]),
    })),
    {
      cell: 'native, by the bot once per emoji; removed when the last bridged reactor removes theirs; an emoji the network lacks becomes a short line `reacted :name:`, deleted on removal',
      outcome: 'carried',
      // Each add goes out as the bot's reaction, which the network holds once (a repeated add
      // is a no-op there: contract case `react`); carol's removal leaves it for dan.
      check: (steps) =>
        expect(steps).toEqual([
          [1, 0],
          [2, 0],
          [2, 0],
          [2, 1],
        ]),
    },
    {
      cell: 'not carried (dropped ¹)',
      outcome: 'dropped',
      check: (steps) => expect(steps.at(-1)).toEqual([0, 0]),
    },
  ],
});

const BYTES = randomBytes(3_000);
const files = feature<SendAction | undefined>({
  feature: 'files',
  ownKinds: [],
  run: async (w) => {
    await speak(w, 'bob', 'look', { attachments: [memoryFile('f.bin', BYTES)] });
    return mine(w, w.sent).at(-1);
  },
  cells: [
    {
      cell: 'uploaded natively; a failed upload becomes a signed link line',
      outcome: 'carried',
      check: async (sent) => {
        expect(sent?.text).toBe('look');
        const [file] = sent?.attachments ?? [];
        expect(file?.hash).toBe(sha256(BYTES));
        const chunks: Uint8Array[] = [];
        for await (const c of (await file!.open()).body) chunks.push(c);
        expect(sha256(Buffer.concat(chunks))).toBe(sha256(BYTES));
      },
    },
    {
      cell: '`name: url` line with a signed link to the gateway',
      outcome: 'degraded',
      check: (sent) => {
        expect(sent?.text).toBe(`look\nf.bin: ${urlFor(sha256(BYTES), 'f.bin')}`);
        expect(sent?.attachments ?? []).toEqual([]);
      },
    },
  ],
});

export const MESSAGE_ROWS: readonly Feature[] = [
  text,
  formatting,
  edits,
  deletes,
  replies,
  threads,
  reactions,
  files,
];
