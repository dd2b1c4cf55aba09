import { describe, expect, it } from 'vitest';
import {
  emojiOfName,
  nameOfEmoji,
  reactionFromSlack,
  reactionToSlack,
  shortcodesToUnicode,
} from '../../../src/bridges/slack/emoji.js';

describe('slack emoji names', () => {
  it('maps Slack short names and their aliases to Unicode, skin tones included', () => {
    expect(emojiOfName('thumbsup')).toBe('👍');
    expect(emojiOfName('+1')).toBe('👍');
    expect(emojiOfName('+1::skin-tone-2')).toBe('👍🏻');
    expect(emojiOfName('heart')).toBe('❤️');
    expect(emojiOfName('partyparrot')).toBeUndefined();
  });

  it('maps Unicode back to the primary Slack name, with or without the variation selector', () => {
    expect(nameOfEmoji('👍')).toBe('+1');
    expect(nameOfEmoji('👍🏿')).toBe('+1::skin-tone-6');
    expect(nameOfEmoji('❤️')).toBe('heart');
    expect(nameOfEmoji('❤')).toBe('heart');
    expect(nameOfEmoji('x')).toBeUndefined();
  });

  it('carries custom emoji as :name: both ways', () => {
    expect(reactionFromSlack('partyparrot')).toBe(':partyparrot:');
    expect(reactionToSlack(':partyparrot:')).toBe('partyparrot');
    expect(reactionToSlack('🎉')).toBe('tada');
    expect(reactionToSlack('no')).toBeUndefined();
  });

  it('replaces shortcodes in text outside code, and leaves unknown ones', () => {
    expect(shortcodesToUnicode('ok :tada: :nope: `:tada:`\n```\n:tada:\n```')).toBe(
      'ok 🎉 :nope: `:tada:`\n```\n:tada:\n```',
    );
    expect(shortcodesToUnicode('10:30:45')).toBe('10:30:45');
  });
});
