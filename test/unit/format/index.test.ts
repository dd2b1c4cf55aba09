import { describe, expect, it } from 'vitest';
import {
  UnknownMarkupError,
  converterFor,
  converters,
  convert,
  isMarkup,
} from '../../../src/bridges/format/index.js';
import { resolverFor } from './fixtures.js';

describe('format registry', () => {
  it('has a converter for each markup and refuses unknown names', () => {
    expect(Object.keys(converters).sort()).toEqual([
      'discord',
      'irc',
      'markdown',
      'matrix-html',
      'slack',
    ]);
    expect(isMarkup('slack')).toBe(true);
    expect(isMarkup('toString')).toBe(false);
    expect(() => converterFor('telegram')).toThrow(UnknownMarkupError);
  });

  it('converts with one resolver for the source and another for the target', () => {
    expect(convert('hi <@U111>', 'slack', 'irc', resolverFor('slack'), resolverFor('irc'))).toBe(
      'hi @alice',
    );
    expect(convert('hi <@U111>', 'slack', 'irc')).toBe('hi @U111');
  });
});
