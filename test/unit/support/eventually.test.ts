import { describe, expect, it } from 'vitest';
import { eventually, EventuallyTimeoutError } from '../../support/eventually.js';

describe('eventually', () => {
  it('returns the first answer that is neither undefined nor false', async () => {
    const answers = [undefined, false, 0, 1];
    let calls = 0;
    const got = await eventually(() => answers[calls++], { what: 'a number', intervalMs: 1 });
    expect(got).toBe(0); // 0 and '' are results: only undefined and false mean "not yet"
    expect(calls).toBe(3);
  });

  it('keeps polling through a probe that throws, and awaits an async probe', async () => {
    let calls = 0;
    const got = await eventually(
      async () => {
        calls++;
        if (calls < 3) throw new Error('not listening yet');
        return 'up';
      },
      { what: 'the server', intervalMs: 1 },
    );
    expect(got).toBe('up');
    expect(calls).toBe(3);
  });

  it('on timeout names what was awaited and the last value', async () => {
    const error = await eventually(() => false, {
      what: 'the marker',
      timeoutMs: 30,
      intervalMs: 5,
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EventuallyTimeoutError);
    expect((error as Error).message).toBe(
      'timed out after 30 ms waiting for the marker; last: false',
    );
  });

  it('on timeout names the last error when the probe kept throwing', async () => {
    const error = await eventually(
      () => {
        throw new RangeError('port closed');
      },
      { what: 'a listener', timeoutMs: 20, intervalMs: 5 },
    ).catch((e: unknown) => e);
    expect((error as Error).message).toBe(
      'timed out after 20 ms waiting for a listener; last: threw RangeError: port closed',
    );
  });
});
