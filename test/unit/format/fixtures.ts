/** Shared fixtures of the format tests: two people known on every network, and a model corpus. */
import type { Block, Inline, MentionUser, RichText } from '../../../src/bridges/format/model.js';
import type { MentionResolver } from '../../../src/bridges/format/types.js';

export const alice: MentionUser = { id: 'user-alice', name: 'Alice' };
export const bob: MentionUser = { id: 'user-bob', name: 'Bob' };

/** Each network's identifier of alice and bob. */
export const ids = {
  markdown: { alice: 'alice', bob: 'bob' },
  discord: { alice: '111', bob: '222' },
  slack: { alice: 'U111', bob: 'U222' },
  'matrix-html': { alice: '@alice:example.org', bob: '@bob:example.org' },
  irc: { alice: 'alice', bob: 'bob' },
} as const;

/** A resolver that knows alice and bob under the given network's identifiers. */
export function resolverFor(network: keyof typeof ids): MentionResolver {
  const table = new Map<string, MentionUser>([
    [ids[network].alice, alice],
    [ids[network].bob, bob],
  ]);
  return {
    toUser: (mention) => table.get(mention),
    toNetwork: (user) => [...table].find(([, u]) => u.id === user.id)?.[0],
    channelName: (id) => (id === '999' || id === 'C999' ? 'general' : undefined),
  };
}

export const t = (text: string): Inline => ({ type: 'text', text });
export const p = (...children: Inline[]): Block => ({ type: 'paragraph', children });
export const doc = (...blocks: Block[]): RichText => ({ blocks });
export const br: Inline = { type: 'lineBreak' };
export const bold = (...children: Inline[]): Inline => ({ type: 'bold', children });
export const italic = (...children: Inline[]): Inline => ({ type: 'italic', children });
export const strike = (...children: Inline[]): Inline => ({ type: 'strike', children });
export const spoiler = (...children: Inline[]): Inline => ({ type: 'spoiler', children });
export const code = (text: string): Inline => ({ type: 'code', text });
export const link = (href: string, ...children: Inline[]): Inline => ({
  type: 'link',
  href,
  children,
});
export const mention = (user: MentionUser): Inline => ({ type: 'mention', user });

/** Named models covering every node type; each converter's round-trip test picks the ones its markup can carry. */
export const corpus: Record<string, RichText> = {
  text: doc(p(t('plain words, nothing else'))),
  bold: doc(p(t('a '), bold(t('strong')), t(' b'))),
  italic: doc(p(t('a '), italic(t('leaning')), t(' b'))),
  strike: doc(p(t('a '), strike(t('gone')), t(' b'))),
  code: doc(p(t('run '), code('npm test'), t(' now'))),
  link: doc(p(t('see '), link('https://example.org/docs', t('the docs')), t(' please'))),
  bareLink: doc(
    p(t('see '), link('https://example.org/a_b', t('https://example.org/a_b')), t(' please')),
  ),
  mention: doc(p(t('hi '), mention(alice), t(' and '), mention(bob))),
  spoiler: doc(p(t('ending: '), spoiler(t('he was a ghost')))),
  lineBreak: doc(p(t('first line'), br, t('second line'))),
  nested: doc(p(bold(t('bold '), italic(t('both'))), t(' '), strike(t('x '), code('y')))),
  spoilerNested: doc(p(spoiler(t('a '), bold(t('b'))))),
  paragraphs: doc(p(t('one')), p(t('two'))),
  codeBlock: doc({ type: 'codeBlock', lang: 'ts', text: 'const a = 1 < 2;\nif (a) {\n  go();\n}' }),
  codeBlockNoLang: doc({ type: 'codeBlock', text: 'plain code\n  indented' }),
  quote: doc({ type: 'quote', children: [p(t('quoted '), bold(t('text')))] }, p(t('reply'))),
  quoteTwoParagraphs: doc({ type: 'quote', children: [p(t('a')), p(t('b'))] }),
  list: doc({ type: 'list', ordered: false, items: [[p(t('one'))], [p(bold(t('two')))]] }),
  orderedList: doc({
    type: 'list',
    ordered: true,
    start: 3,
    items: [[p(t('three'))], [p(t('four'))]],
  }),
  specialChars: doc(p(t('a * b _ c ~ d | e ` f < g [h] & i \\ j'))),
};
