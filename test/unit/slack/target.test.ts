/** The Slack link target schema: `{channel}`, an id or a channel name. */
import { describe, expect, it } from 'vitest';
import { DeliveryError, InvalidLinkTargetError } from '../../../src/bridges/errors.js';
import { channelOf } from '../../../src/bridges/slack/ids.js';
import { targetSchema } from '../../../src/bridges/slack/index.js';

function refusal(raw: unknown): string | undefined {
  const parsed = targetSchema.safeParse(raw);
  return parsed.success ? undefined : InvalidLinkTargetError.of(parsed.error.issues).message;
}

describe('Slack link targets', () => {
  it('takes a channel id or a name, with or without #', () => {
    for (const channel of ['C0123ABCD', 'G0ABCDEFG', '#general', 'general', '#proj-x_2'])
      expect(refusal({ channel }), channel).toBeUndefined();
  });

  it('refuses names Slack cannot have, naming target.channel', () => {
    for (const channel of ['General Chat', '#Gen', '', '#'])
      expect(refusal({ channel }), channel).toMatch(
        /^target\.channel: must be a Slack channel id \(C0123ABCD\) or name/,
      );
    expect(refusal({ room: 'x' })).toMatch(/^target\.channel: is required/);
  });

  it('a stored target must hold the id (names are resolved when the link is made)', () => {
    expect(channelOf({ channel: 'C0123ABCD' })).toBe('C0123ABCD');
    expect(() => channelOf({ channel: '#general' })).toThrow(DeliveryError);
    expect(() => channelOf({ channel: 'General Chat' })).toThrow(/target\.channel/);
  });
});
