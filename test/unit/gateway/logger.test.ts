import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../../src/gateway/config/index.js';
import { createLogger } from '../../../src/gateway/logging/logger.js';

function collector(): { stream: Writable; text: () => string } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      chunks.push(chunk.toString());
      done();
    },
  });
  return { stream, text: () => chunks.join('') };
}

describe('logger redaction', () => {
  it('a logged config shows [Redacted] instead of tokens and passwords', () => {
    const config = parseConfig(
      {
        http: {
          adminToken: 'admin-SECRET-1-0123456789abcdefghij',
          metricsToken: 'metrics-SECRET-7-0123456789abcdefgh',
        },
        store: { kind: 'postgres', url: 'postgres://u:pw-SECRET-2@h/db' },
        bridges: {
          discord: { token: 'discord-SECRET-3' },
          slack: { botToken: 'xoxb-SECRET-4', appToken: 'xapp-SECRET-5' },
          irc: {
            networks: {
              libera: { host: 'irc.example', sasl: { user: 'u', password: 'SECRET-6' } },
            },
          },
        },
        links: [],
      },
      {},
    );
    const out = collector();
    const logger = createLogger({ level: 'info', format: 'json', destination: out.stream });
    logger.info({ config }, 'loaded');
    const text = out.text();
    expect(text).not.toMatch(/SECRET/);
    const line = JSON.parse(text) as { config: typeof config };
    expect(line.config.http.adminToken).toBe('[Redacted]');
    expect(line.config.http.metricsToken).toBe('[Redacted]');
    expect(line.config.store.url).toBe('[Redacted]');
    expect(line.config.bridges.discord?.token).toBe('[Redacted]');
    expect(line.config.bridges.slack?.botToken).toBe('[Redacted]');
    expect(line.config.bridges.irc?.networks.libera?.sasl?.password).toBe('[Redacted]');
    // Non-secret values stay readable.
    expect(line.config.http.port).toBe(8080);
    expect(line.config.bridges.irc?.networks.libera?.host).toBe('irc.example');
  });

  it('redacts an Authorization header of a logged request', () => {
    const out = collector();
    const logger = createLogger({ level: 'info', format: 'json', destination: out.stream });
    logger.info({ req: { headers: { authorization: 'Bearer abc-SECRET' } } }, 'request');
    expect(out.text()).toContain('[Redacted]');
    expect(out.text()).not.toContain('abc-SECRET');
  });

  it('pretty format writes readable lines and still redacts', () => {
    const out = collector();
    const logger = createLogger({ level: 'info', format: 'pretty', destination: out.stream });
    logger.info({ token: 'tok-SECRET' }, 'hello there');
    expect(out.text()).toContain('hello there');
    expect(out.text()).toContain('[Redacted]');
    expect(out.text()).not.toContain('tok-SECRET');
    expect(() => JSON.parse(out.text())).toThrow();
  });
});
