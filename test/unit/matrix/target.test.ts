/** The Matrix link target schema: `{room}`, a room id or an alias. */
import { describe, expect, it } from 'vitest';
import { DeliveryError, InvalidLinkTargetError } from '../../../src/bridges/errors.js';
import { targetSchema } from '../../../src/bridges/matrix/index.js';
import { matrixTarget } from '../../../src/bridges/matrix/target.js';

function refusal(raw: unknown): string | undefined {
  const parsed = targetSchema.safeParse(raw);
  return parsed.success ? undefined : InvalidLinkTargetError.of(parsed.error.issues).message;
}

describe('Matrix link targets', () => {
  it('takes room ids (with or without a server, room v12) and aliases', () => {
    for (const room of [
      '!abc:example.org',
      '!Ab3_-xyz',
      '#lobby:example.org',
      '#mc_x:localhost:8448',
    ])
      expect(refusal({ room }), room).toBeUndefined();
  });

  it('refuses anything else, naming target.room', () => {
    for (const room of ['lobby', '#lobby', '!a b:hs', '@alice:hs', ''])
      expect(refusal({ room }), room).toMatch(
        /^target\.room: must be a Matrix room id \(!id:server\) or alias \(#name:server\)/,
      );
    expect(refusal({})).toMatch(/^target\.room: is required/);
    expect(refusal({ room: '!a:hs', channel: 'x' })).toBe(
      'target.channel: is not a field of this target',
    );
  });

  it('a stored target that does not fit fails delivery permanently', () => {
    expect(matrixTarget({ room: '!a:hs' }).room).toBe('!a:hs');
    expect(() => matrixTarget({ channel: '#x' })).toThrow(DeliveryError);
    expect(() => matrixTarget({ room: 'x' })).toThrow(/target\.room: must be a Matrix room id/);
  });
});
