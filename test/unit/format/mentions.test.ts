import { describe, expect, it } from 'vitest';
import {
  mapMentions,
  mentionsOf,
  parseIrc,
  renderMarkdown,
  type MentionResolver,
} from '../../../src/bridges/format/index.js';
import { foldNick } from '../../../src/bridges/format/irc-nicks.js';

const people: Record<string, string> = { Ada: 'u-ada', 'Dana[m]': 'u-dana' };
const resolver: MentionResolver = {
  toUser: (m) => (people[m] ? { id: people[m] as string, name: m } : undefined),
  toNetwork: () => undefined,
};
const md = (text: string, hints: string[]) =>
  renderMarkdown(parseIrc(text, { resolver, mentionHints: hints }));

describe('IRC nicks named by the adapter (mentionHints)', () => {
  it('turns a channel nick written as a word into a mention, case-insensitively', () => {
    expect(md('thanks ada, see you', ['Ada'])).toBe('thanks @Ada, see you');
    expect(md('ask DANA{M} about it', ['Dana[m]'])).toBe('ask @Dana[m] about it');
  });

  it('leaves words that only contain the nick, addresses, URLs and unhinted nicks alone', () => {
    expect(md('adams and ada@example.org', ['Ada'])).toBe('adams and ada@example.org');
    expect(md('see https://x.org/ada', ['Ada'])).toBe('see <https://x.org/ada>');
    expect(md('thanks ada', [])).toBe('thanks ada');
    // A hinted nick the resolver does not know stays text.
    expect(md('hi bob', ['bob'])).toBe('hi bob');
  });

  it('keeps the leading nick: and @nick forms', () => {
    expect(md('Ada: look, @Ada', ['Ada'])).toBe('@Ada: look, @Ada');
  });

  it('folds nicks the RFC 1459 way', () => {
    expect(foldNick('Dana[m]\\~')).toBe('dana{m}|^');
  });
});

describe('mention nodes', () => {
  const rich = parseIrc('Ada: hi @Dana[m] and ada', { resolver, mentionHints: ['Ada'] });

  it('lists mentions in document order, repeats kept', () => {
    expect(mentionsOf(rich).map((u) => u.id)).toEqual(['u-ada', 'u-dana', 'u-ada']);
  });

  it('replaces mention nodes and nothing else', () => {
    const bold = mapMentions(rich, (n) =>
      n.user.id === 'u-dana' ? { type: 'bold', children: [{ type: 'text', text: 'Dana' }] } : n,
    );
    expect(renderMarkdown(bold)).toBe('@Ada: hi **Dana** and @Ada');
    expect(mentionsOf(bold).map((u) => u.id)).toEqual(['u-ada', 'u-ada']);
  });
});
