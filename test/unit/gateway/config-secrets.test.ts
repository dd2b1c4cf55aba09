/**
 * One definition of what is secret: a value under each secret name is hidden both in a config
 * error (showValue / redactTree) and in a log line (JSON and pretty), at the top and nested,
 * while ordinary keys stay readable in both.
 */
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { SECRET_KEY_NAMES, redactTree, showValue } from '../../../src/gateway/config/redact.js';
import { createLogger } from '../../../src/gateway/logging/logger.js';

function logged(format: 'json' | 'pretty', fields: Record<string, unknown>): string {
  const chunks: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _enc, done) {
      chunks.push(chunk.toString());
      done();
    },
  });
  createLogger({ level: 'info', format, destination }).info(fields, 'line');
  return chunks.join('');
}

const VALUE = 'hunter2-0123456789-xyz';
// Written as an operator or a library would: as listed, upper case, or inside a longer name.
const spellings = SECRET_KEY_NAMES.flatMap((name) => [name, name.toUpperCase(), `sasl_${name}`]);
const plain = {
  host: 'irc.example',
  author: 'alice',
  maxStreamsPerToken: 5,
  publicKey: 'pk',
  key: 'outbox-1',
};

describe('secret redaction, config errors and logs alike', () => {
  it.each(spellings)('hides a value under %s in a config error', (name) => {
    expect(showValue(['bridges', name], VALUE)).toBe(
      `a string of ${VALUE.length} characters (value hidden)`,
    );
    const shown = JSON.stringify(redactTree({ outer: { inner: { [name]: VALUE } } }));
    expect(shown).not.toContain('hunter2');
    expect(shown).toContain('(hidden)');
  });

  it.each(spellings)('hides a value under %s in a log line, on top and nested', (name) => {
    for (const format of ['json', 'pretty'] as const) {
      const text = logged(format, { [name]: VALUE, a: { b: { c: { [name]: VALUE } } } });
      expect(text, format).not.toContain('hunter2');
      expect(text.match(/\[Redacted\]/g), format).toHaveLength(2);
    }
  });

  it('keeps ordinary keys readable in both and strips URL credentials in both', () => {
    const url = 'postgres://user:hunter2@db.example/chat';
    expect(JSON.parse(logged('json', { ...plain, url }))).toMatchObject({
      ...plain,
      url: 'postgres://***@db.example/chat',
    });
    expect(redactTree({ ...plain, url })).toEqual({
      ...plain,
      url: 'postgres://***@db.example/chat',
    });
    expect(showValue(['http', 'maxStreamsPerToken'], 5)).toBe('5');
  });
});
