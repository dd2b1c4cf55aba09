/**
 * Rows of the fidelity matrix about people and the channel, and long messages: mentions, topic,
 * join/leave, typing, presence, roles, long messages (see fidelity-features.ts).
 */
import { expect } from 'vitest';
import {
  converterFor,
  measure,
  parseMarkdown,
  splitRendered,
  stripControls,
  type SplitUnit,
} from '../../../src/bridges/format/index.js';
import type { SendAction } from '../../../src/bridges/types.js';
import type { NetworkName } from '../../../src/mapping/types.js';
import { eventually } from '../../support/eventually.js';
import { feature, type Feature } from './fidelity-features.js';
import { mine, senderOf, speak, type Net } from './fidelity-world.js';
import { boldName, ghostOf, nativeMention, puppetOf } from './mention-adapters.js';

/** Pat has an account of their own on every network; Quinn only on the source. */
const PAT: Record<Net, string> = { matrix: '@pat:hs', discord: '999', slack: 'U999', irc: 'pat' };
const QUINN: Record<Net, string> = {
  matrix: '@quinn:hs',
  discord: '333',
  slack: 'U333',
  irc: 'quinn',
};

const mentions = feature<SendAction | undefined>({
  feature: 'mentions',
  ownKinds: [],
  run: async (w) => {
    await speak(w, { id: PAT[w.from], name: 'Pat' }, 'hello');
    const pat = (await w.h.store.identities.get(w.sourceName as NetworkName, PAT[w.from]))?.userId;
    if (!pat) throw new Error('Pat has no profile');
    // Pat linked their own account on the target network to the same profile.
    await w.h.store.identities.upsert({
      network: w.targetName as NetworkName,
      externalId: PAT[w.to],
      userId: pat,
      kind: 'native',
    });
    // Quinn speaks once, so the target has their ghost or puppet where it makes them.
    await speak(w, { id: QUINN[w.from], name: 'Quinn' }, 'hi all');
    const written = [
      nativeMention(w.from, PAT[w.from], 'Pat'),
      nativeMention(w.from, QUINN[w.from], 'Quinn'),
    ];
    await w.source.inject({
      kind: 'message',
      target: w.at,
      externalId: 'mentioning' as never,
      sender: senderOf('wil'),
      text: `${written.join(' ')} hi`,
    });
    await w.h.settle();
    return mine(w, w.sent).at(-1);
  },
  cells: [
    {
      cell: 'the person’s own account there, else their ghost or puppet, else the name in bold (by id, never by name)',
      outcome: 'carried',
      check: (sent, w) => {
        const quinn = w.h.node.findUserByName('Quinn')?.id ?? '';
        // Ghosts and puppets: where the network shows bridged people as members.
        const quinnThere = !w.caps.membership
          ? boldName(w.to, 'Quinn')
          : w.to === 'matrix'
            ? nativeMention(w.to, ghostOf(quinn), 'Quinn')
            : `@${puppetOf('Quinn')}`;
        expect(sent?.text).toBe(`${nativeMention(w.to, PAT[w.to], 'Pat')} ${quinnThere} hi`);
      },
    },
  ],
});

const topic = feature<readonly string[]>({
  feature: 'topic',
  ownKinds: ['topic'],
  run: async (w) => {
    await w.source.inject({
      kind: 'topic',
      target: w.at,
      sender: senderOf('bob'),
      topic: 'plans',
    });
    await w.h.settle();
    expect(w.h.node.getChannel(w.channel)?.topic).toBe('plans');
    return mine(w, w.target.topics).map((t) => t.topic);
  },
  cells: [
    {
      cell: 'set by the bridge (when it has the right)',
      outcome: 'carried',
      check: (topics, w) => {
        expect(topics).toEqual(['plans']);
        expect(mine(w, w.target.topics)[0]?.sender.name).toBe('gateway');
      },
    },
    { cell: 'not carried (dropped ¹)', outcome: 'dropped', check: (t) => expect(t).toEqual([]) },
  ],
});

const membership = feature<readonly string[]>({
  feature: 'join/leave',
  ownKinds: ['join', 'leave'],
  run: async (w) => {
    for (const kind of ['join', 'leave'] as const) {
      await w.source.inject({ kind, target: w.at, sender: senderOf('bob') });
      await w.h.settle();
    }
    return mine(w, w.target.memberships).map((m) => `${m.kind}:${m.sender.name}`);
  },
  cells: [
    {
      cell: 'the ghost or puppet joins and leaves',
      outcome: 'carried',
      check: (seen) => expect(seen).toEqual(['join:bob', 'leave:bob']),
    },
    { cell: 'not shown (dropped ¹)', outcome: 'dropped', check: (s) => expect(s).toEqual([]) },
  ],
});

const typing = feature<readonly string[]>({
  feature: 'typing',
  ownKinds: ['typing'],
  run: async (w) => {
    await speak(w, 'bob', 'hi');
    await w.source.inject({
      kind: 'typing',
      target: w.at,
      sender: senderOf('bob'),
      active: true,
    });
    // Typing is not queued: it went out (or was counted) when the inject returned.
    await eventually(
      () =>
        mine(w, w.target.typings).length > 0 ||
        w.h.runtime.dropped().some((d) => d.kind === 'typing'),
      { what: 'typing shown or counted' },
    );
    return mine(w, w.target.typings).map((t) => `${t.sender.name}:${t.active}`);
  },
  cells: [
    // The Discord adapter shows its bot typing (docs/discord.md); Matrix the ghost.
    ...[
      'the person’s ghost or puppet types (best effort)',
      'the bot is shown typing (no typing per bridged name; best effort)',
    ].map((cell) => ({
      cell,
      outcome: (cell.includes('ghost') ? 'carried' : 'degraded') as 'carried' | 'degraded',
      check: (seen: readonly string[]) => expect(seen).toEqual(['bob:true']),
    })),
    { cell: 'not shown (dropped ¹)', outcome: 'dropped', check: (s) => expect(s).toEqual([]) },
  ],
});

const presence = feature<readonly string[]>({
  feature: 'presence',
  ownKinds: [],
  run: async (w) => {
    await speak(w, 'bob', 'hi');
    await w.source.inject({
      kind: 'presence',
      sender: senderOf('bob'),
      status: 'away',
      text: 'lunch',
    });
    await w.h.settle();
    const shown = () => w.target.presences.map((p) => `${p.sender.name}:${p.status}:${p.text}`);
    if (w.caps.presence) await eventually(() => shown().length > 0, { what: 'presence shown' });
    return shown();
  },
  cells: [
    {
      cell: 'the ghost’s presence (best effort)',
      outcome: 'carried',
      check: (seen) => expect(seen).toEqual(['bob:away:lunch']),
    },
    {
      // Best effort and not counted: the test checks no presence drop was counted either.
      cell: 'not shown (best effort, not counted)',
      outcome: 'degraded',
      check: (seen, w) => {
        expect(seen).toEqual([]);
        expect(w.h.runtime.dropped().filter((d) => d.kind === 'presence')).toEqual([]);
      },
    },
  ],
});

const roles = feature<readonly string[]>({
  feature: 'roles',
  ownKinds: ['role'],
  run: async (w) => {
    await w.source.inject({
      kind: 'role',
      target: w.at,
      sender: senderOf('bob'),
      role: 'moderator',
    });
    await w.h.settle();
    const bob = (await w.h.store.identities.get(w.sourceName as NetworkName, 'bob'))?.userId;
    expect(w.h.node.roleOf(w.channel, bob as never)).toBe('moderator');
    return mine(w, w.target.roles).map((r) => `${r.sender.name}:${r.role}`);
  },
  cells: [
    {
      cell: 'set on the person’s ghost or puppet',
      outcome: 'carried',
      check: (seen) => expect(seen).toEqual(['bob:member', 'bob:moderator']),
    },
    { cell: 'not carried (dropped ¹)', outcome: 'dropped', check: (s) => expect(s).toEqual([]) },
  ],
});

/** A Markdown text over 2.5 × `limit` with a code block longer than `limit`. */
function longMarkdown(limit: number): { markdown: string; words: string[] } {
  const words: string[] = [];
  while (words.join(' ').length < limit) words.push(`w${words.length}`);
  const code: string[] = [];
  while (code.join('\n').length < limit * 1.2) code.push(`let v${code.length} = 1;`);
  const markdown = `${words.join(' ')}\n\n\`\`\`\n${code.join('\n')}\n\`\`\`\n\nthe end`;
  return { markdown, words: [...words, ...code.flatMap((l) => l.split(' ')), 'the', 'end'] };
}

const longMessages = feature<{ sent?: SendAction; words: string[] }>({
  feature: 'long messages',
  ownKinds: [],
  run: async (w) => {
    const { markdown, words } = longMarkdown(w.caps.maxMessageLength);
    const rich = parseMarkdown(markdown);
    const text = converterFor(SOURCE_MARKUP[w.from]).render(rich, {
      resolver: { toUser: () => undefined, toNetwork: () => undefined },
    });
    await speak(w, 'bob', text);
    return { sent: mine(w, w.sent).at(-1), words };
  },
  cells: [
    {
      cell: /^split into parts of at most (\d+) (bytes|characters), between blocks \(a long code block as several closed code blocks\); a longer edit edits the parts and posts the rest after them$/,
      outcome: 'degraded',
      check: ({ sent, words }, w, match) => {
        const limit = Number(match?.[1]);
        const unit: SplitUnit = match?.[2] === 'bytes' ? 'bytes' : 'chars';
        expect(limit).toBe(w.caps.maxMessageBytes ?? w.caps.maxMessageLength);
        // The router hands the whole text over; the adapter splits it by the shared rule.
        expect(measure(sent?.text ?? '', unit)).toBeGreaterThan(limit);
        const render = converterFor(w.caps.markup).render;
        const parts = splitRendered(sent!.rich, render, limit, unit);
        expect(parts.length).toBeGreaterThanOrEqual(2);
        for (const part of parts) {
          expect(measure(part, unit)).toBeLessThanOrEqual(limit);
          expect((part.match(/```/g) ?? []).length % 2).toBe(0);
        }
        const seen = stripControls(parts.join(' ')).replace(/<[^>]+>|`+/g, ' ');
        expect(seen.split(/\s+/).filter(Boolean)).toEqual(words);
      },
    },
  ],
});

const SOURCE_MARKUP: Record<Net, string> = {
  matrix: 'matrix-html',
  discord: 'discord',
  slack: 'slack',
  irc: 'irc',
};

export const PEOPLE_ROWS: readonly Feature[] = [
  mentions,
  topic,
  membership,
  typing,
  presence,
  roles,
  longMessages,
];
