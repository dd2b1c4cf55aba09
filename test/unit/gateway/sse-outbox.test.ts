import { describe, expect, it } from 'vitest';
import { SseHub } from '../../../src/gateway/http/sse-hub.js';
import { SseOutbox } from '../../../src/gateway/http/sse-outbox.js';
import { TooManyStreamsError } from '../../../src/gateway/http/errors.js';

/** A connection whose writes complete only when the test says so (a client that reads later). */
function slowConnection() {
  const written: string[] = [];
  const waiting: (() => void)[] = [];
  return {
    written,
    write: (chunk: string) =>
      new Promise<void>((resolve) => {
        written.push(chunk);
        waiting.push(resolve);
      }),
    /** The client reads one chunk: the pending write completes. */
    async drainOne(): Promise<void> {
      waiting.shift()?.();
      await new Promise((r) => setImmediate(r));
    },
  };
}

describe('SseOutbox', () => {
  it('writes in order, one chunk at a time', async () => {
    const conn = slowConnection();
    const outbox = new SseOutbox(conn.write, 100, () => undefined);
    for (const c of ['a', 'b', 'c']) outbox.push(c);
    expect(conn.written).toEqual(['a']);
    await conn.drainOne();
    await conn.drainOne();
    await conn.drainOne();
    expect(conn.written).toEqual(['a', 'b', 'c']);
    expect(outbox.pendingBytes).toBe(0);
  });

  it('past the bound it drops the queue, reports how many once, then refuses', async () => {
    const conn = slowConnection();
    const reports: number[] = [];
    const outbox = new SseOutbox(conn.write, 10, (n) => reports.push(n));
    expect(outbox.push('1234')).toBe(true); // in flight
    expect(outbox.push('5678')).toBe(true); // queued: 8 bytes pending
    expect(outbox.push('abcd')).toBe(false); // 12 > 10: the queued one and this one dropped
    expect(reports).toEqual([2]);
    expect(outbox.pendingBytes).toBe(4); // only the chunk in flight
    expect(outbox.push('x')).toBe(false);
    expect(reports).toEqual([2]);
    await conn.drainOne();
    expect(conn.written).toEqual(['1234']);
    expect(outbox.pendingBytes).toBe(0);
  });

  it('one chunk larger than the bound goes when nothing is pending', async () => {
    const conn = slowConnection();
    const reports: number[] = [];
    const outbox = new SseOutbox(conn.write, 10, (n) => reports.push(n));
    expect(outbox.push('x'.repeat(50))).toBe(true);
    await conn.drainOne();
    expect(outbox.push('y'.repeat(50))).toBe(true);
    expect(reports).toEqual([]);
  });
});

describe('SseHub', () => {
  it('caps streams per owner, frees a slot once, and counts owners apart', () => {
    const hub = new SseHub({ maxStreamsPerToken: 2, bufferBytes: 1024, overflowGraceMs: 0 });
    const a1 = hub.add('alice', () => undefined);
    hub.add('alice', () => undefined);
    expect(() => hub.add('alice', () => undefined)).toThrow(TooManyStreamsError);
    hub.add('bob', () => undefined);
    expect(hub.size).toBe(3);
    a1();
    a1(); // idempotent: must not free a second slot
    expect(hub.held('alice')).toBe(1);
    hub.add('alice', () => undefined);
    expect(() => hub.add('alice', () => undefined)).toThrow(/2 open event streams/);
  });

  it('closeAll calls every closer and forgets every slot', () => {
    const hub = new SseHub({ maxStreamsPerToken: 1, bufferBytes: 1024, overflowGraceMs: 0 });
    let closed = 0;
    const release = hub.add('alice', () => closed++);
    hub.closeAll();
    expect(closed).toBe(1);
    expect(hub.size).toBe(0);
    release();
    expect(hub.held('alice')).toBe(0);
    hub.add('alice', () => undefined);
    expect(hub.held('alice')).toBe(1);
  });
});
