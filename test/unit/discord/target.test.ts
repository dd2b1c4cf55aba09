/** The Discord link target schema: `{channel}` or `{channel, thread}`, snowflakes. */
import { describe, expect, it } from 'vitest';
import { DeliveryError, InvalidLinkTargetError } from '../../../src/bridges/errors.js';
import { targetSchema } from '../../../src/bridges/discord/index.js';
import { discordTarget } from '../../../src/bridges/discord/target.js';

function refusal(raw: unknown): string | undefined {
  const parsed = targetSchema.safeParse(raw);
  return parsed.success ? undefined : InvalidLinkTargetError.of(parsed.error.issues).message;
}

describe('Discord link targets', () => {
  it('takes a channel snowflake, with a thread snowflake or not', () => {
    expect(refusal({ channel: '123456789012345678' })).toBeUndefined();
    expect(
      refusal({ channel: '123456789012345678', thread: '223456789012345678' }),
    ).toBeUndefined();
  });

  it('refuses a name or a short number, naming the field', () => {
    expect(refusal({ channel: 'general' })).toBe(
      'target.channel: must be a Discord channel id (a snowflake: 15 to 20 digits); got "general"',
    );
    expect(refusal({ channel: '12345' })).toMatch(/^target\.channel: must be a Discord channel id/);
    expect(refusal({ channel: '123456789012345678', thread: 'x' })).toMatch(
      /^target\.thread: must be a Discord channel id/,
    );
    expect(refusal({ room: '#x' })).toMatch(/^target\.channel: is required/);
    // A snowflake written unquoted in YAML arrives as a number (and has lost digits).
    expect(refusal({ channel: 123456789012345680 })).toMatch(/^target\.channel: must be text: /);
  });

  it('a stored target that does not fit fails delivery permanently', () => {
    expect(discordTarget({ channel: '123456789012345678' })).toEqual({
      channel: '123456789012345678',
    });
    expect(() => discordTarget({ channel: 'general' })).toThrow(DeliveryError);
    expect(() => discordTarget({ channel: 'general' })).toThrow(/target\.channel/);
  });
});
