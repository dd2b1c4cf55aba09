import { afterEach, describe, expect, it, vi } from 'vitest';
import { ArrivalOrder } from '../../../src/bridges/slack/order.js';

const flush = async () => {
  for (let i = 0; i < 10; i++) await Promise.resolve();
};

describe('ArrivalOrder', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('runs tasks in stamp order whatever order they are handed in', async () => {
    const order = new ArrivalOrder(() => undefined);
    const ran: number[] = [];
    const [a, b, c] = [order.stamp(), order.stamp(), order.stamp()];
    order.put(c, async () => void ran.push(c));
    order.put(a, async () => void ran.push(a));
    await order.idle();
    expect(ran).toEqual([a]);
    order.put(b, undefined); // a duplicate: its slot is filled without work
    await flush();
    await order.idle();
    expect(ran).toEqual([a, c]);
    order.stop();
  });

  it('skips a stamp that never gets a task after a while, so nothing is held for ever', async () => {
    vi.useFakeTimers();
    const order = new ArrivalOrder(() => undefined);
    const ran: number[] = [];
    order.stamp(); // dropped before any listener
    const second = order.stamp();
    order.put(second, async () => void ran.push(second));
    await flush();
    expect(ran).toEqual([]);
    await vi.advanceTimersByTimeAsync(2_000);
    await order.idle();
    expect(ran).toEqual([second]);
    order.stop();
  });

  it('a failing task is reported and the next one still runs', async () => {
    const errors: unknown[] = [];
    const order = new ArrivalOrder((e) => errors.push(e));
    const ran: string[] = [];
    order.put(order.stamp(), async () => {
      throw new Error('boom');
    });
    order.put(order.stamp(), async () => void ran.push('next'));
    await flush();
    await order.idle();
    expect(errors).toHaveLength(1);
    expect(ran).toEqual(['next']);
  });
});
