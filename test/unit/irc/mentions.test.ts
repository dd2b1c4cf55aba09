import { describe, expect, it } from 'vitest';
import { ChannelNicks, mentionedNicks } from '../../../src/bridges/irc/mentions.js';

describe('IRC channel nicks in a message', () => {
  const nicks = new ChannelNicks();
  nicks.set('#proj', ['Ada', 'Dana[m]', 'bob']);
  nicks.add('#proj', 'Carol');
  nicks.set('#other', ['Zed']);

  it('names the members written as words, as the server spells them, once each', () => {
    expect(mentionedNicks(nicks, '#Proj', 'ada and dana{m}: ping ADA, carol', 'bob')).toEqual([
      'Ada',
      'Dana[m]',
      'Carol',
    ]);
  });

  it('never names the sender, a member of another channel, or part of a word', () => {
    expect(mentionedNicks(nicks, '#proj', 'bob says hi to zed and adamant', 'bob')).toEqual([]);
    expect(mentionedNicks(nicks, '#proj', 'mail ada@example.org', 'bob')).toEqual([]);
  });

  it('follows renames and departures', () => {
    nicks.rename('Carol', 'Caro');
    nicks.remove('#proj', 'Ada');
    expect(mentionedNicks(nicks, '#proj', 'ada carol caro', 'bob')).toEqual(['Caro']);
  });
});
