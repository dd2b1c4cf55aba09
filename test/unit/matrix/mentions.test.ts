import { describe, expect, it } from 'vitest';
import { ghostUserId } from '../../../src/bridges/matrix/ids.js';
import { ghostIdentity, intentionalMentions } from '../../../src/bridges/matrix/mentions.js';
import type { ExternalUserId } from '../../../src/bridges/types.js';

describe('Matrix mentions', () => {
  it('reads m.mentions.user_ids, valid ids once each', () => {
    const content = {
      body: 'hi',
      'm.mentions': { user_ids: ['@a:hs', '@a:hs', 'not-an-id', 7, '@b:other.org'] },
    };
    expect(intentionalMentions(content)).toEqual(['@a:hs', '@b:other.org']);
    expect(intentionalMentions({ body: 'hi' })).toEqual([]);
    expect(intentionalMentions({ 'm.mentions': { room: true } })).toEqual([]);
  });

  it('names the ghost of a person, and none for one posting through their own account', () => {
    const naming = { userPrefix: '_mc_', domain: 'hs' };
    expect(ghostIdentity(naming, { id: 'U1', name: 'Ada' })).toBe(ghostUserId(naming, 'U1'));
    expect(ghostIdentity(naming, { id: 'U1', name: 'Ada' })).toBe('@_mc__u1:hs');
    const linked = { id: 'U1', name: 'Ada', native: '@ada:hs' as ExternalUserId };
    expect(ghostIdentity(naming, linked)).toBeUndefined();
  });
});
