/** The IRC link target schema: `{network, channel}`, the network one of the configured ones. */
import { describe, expect, it } from 'vitest';
import { DeliveryError, InvalidLinkTargetError } from '../../../src/bridges/errors.js';
import { createAdapter, targetSchema } from '../../../src/bridges/irc/index.js';
import { ircTarget, ircTargetSchema, ircTargetShape } from '../../../src/bridges/irc/target.js';
import type { AdapterComponents, NetworkName, TargetSchema } from '../../../src/bridges/types.js';

/** The message a refused target gets, as the link manager words it. */
function refusal(schema: TargetSchema, raw: unknown): string | undefined {
  const parsed = schema.safeParse(raw);
  return parsed.success ? undefined : InvalidLinkTargetError.of(parsed.error.issues).message;
}

const quiet = { debug() {}, info() {}, warn() {}, error() {} };
const components: AdapterComponents = {
  logger: quiet,
  emit: async () => undefined,
  reportHealth: () => undefined,
  clock: { now: () => 0 },
};

describe('IRC link targets', () => {
  const schema = ircTargetSchema(['libera', 'oftc']);

  it('takes a configured network and a # or & channel', () => {
    expect(schema.parse({ network: 'libera', channel: '#proj' })).toEqual({
      network: 'libera',
      channel: '#proj',
    });
    expect(schema.parse({ network: 'oftc', channel: '&local' }).channel).toBe('&local');
  });

  it('names the field and the configured networks when it refuses', () => {
    expect(refusal(schema, { network: 'efnet', channel: '#proj' })).toBe(
      'target.network: "efnet" is not a configured IRC network; configured: libera, oftc',
    );
    expect(refusal(schema, { network: 'libera', channel: 'proj' })).toMatch(
      /^target\.channel: must be an IRC channel name: # or &/,
    );
    expect(refusal(schema, { network: 'libera', channel: '#a b' })).toMatch(/^target\.channel:/);
    expect(refusal(schema, { network: 'libera', channel: '#a,#b' })).toMatch(/^target\.channel:/);
    expect(refusal(schema, { channel: '#proj' })).toMatch(/^target\.network: is required/);
    expect(refusal(schema, { network: 'libera', channel: '#p', room: 'x' })).toBe(
      'target.room: is not a field of this target',
    );
    expect(refusal(schema, 'libera #proj')).toMatch(/^target: /);
  });

  it('the adapter checks against its own config; the module knows only the shape', () => {
    const adapter = createAdapter(
      { networks: { libera: { host: 'h' } } },
      'irc' as NetworkName,
    )(components);
    expect(refusal(adapter.targetSchema as TargetSchema, { network: 'oftc', channel: '#p' })).toBe(
      'target.network: "oftc" is not a configured IRC network; configured: libera',
    );
    expect(refusal(targetSchema, { network: 'oftc', channel: '#p' })).toBeUndefined();
    expect(refusal(targetSchema, { network: 'oftc', channel: 'p' })).toMatch(/^target\.channel/);
  });

  it('a stored target that does not fit fails delivery permanently, naming the field', async () => {
    expect(ircTarget({ network: 'libera', channel: '#p' })).toEqual({
      network: 'libera',
      channel: '#p',
    });
    const error = (() => {
      try {
        ircTarget({ network: 'libera', channel: 'p' });
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(DeliveryError);
    expect(error).toMatchObject({ permanent: true });
    expect((error as Error).message).toMatch(/target\.channel: must be an IRC channel name/);
    const adapter = createAdapter(
      { networks: { libera: { host: 'h' } } },
      'irc' as NetworkName,
    )(components);
    await expect(
      adapter.send({ target: { network: 'oftc', channel: '#p' } } as never),
    ).rejects.toMatchObject({
      permanent: true,
      message: expect.stringMatching(/configured: libera/),
    });
  });

  it('reading a stored target agrees with the schema on every shape (the send path checks by hand)', () => {
    const stored: unknown[] = [
      { network: 'libera', channel: '#p' },
      { network: 'libera', channel: '&local' },
      { network: 'libera', channel: '+x' },
      { channel: '!y', network: 'oftc' },
      { network: '', channel: '#p' },
      { network: 'libera', channel: 'p' },
      { network: 'libera', channel: '#a b' },
      { network: 'libera', channel: '#a,b' },
      { network: 'libera', channel: '#a\x07' },
      { network: 'libera', channel: '#p', room: 'x' },
      { network: 'libera' },
      { network: 1, channel: '#p' },
      { network: 'libera', channel: ['#p'] },
      { a: 'libera', b: '#p' },
      ['libera', '#p'],
      'libera #proj',
      'ab',
      null,
    ];
    for (const target of stored) {
      const expected = ircTargetShape.safeParse(target);
      let read: unknown;
      try {
        read = ircTarget(target as never);
      } catch (error) {
        read = error;
      }
      if (expected.success) expect(read, JSON.stringify(target)).toEqual(expected.data);
      else {
        expect(read, JSON.stringify(target)).toBeInstanceOf(DeliveryError);
        expect((read as Error).message).toBe(
          `invalid IRC link target: ${InvalidLinkTargetError.of(expected.error.issues).message}`,
        );
      }
    }
  });
});
