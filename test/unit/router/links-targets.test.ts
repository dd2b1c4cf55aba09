/**
 * The link manager checks a target with its network's schema before it resolves or stores it,
 * and turns a target the network refuses into a named error (the HTTP API's 400).
 */
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  DeliveryError,
  InvalidLinkError,
  InvalidLinkTargetError,
  NetworkNotConfiguredError,
} from '../../../src/bridges/errors.js';
import type {
  AdapterBuilder,
  AdapterComponents,
  LinkTarget,
  NetworkName,
  TargetSchema,
} from '../../../src/bridges/types.js';
import type { ChannelId } from '../../../src/core/types.js';
import { createTestAdapter, TestNetwork } from '../../support/test-adapter.js';
import { startHarness } from './harness.js';

/** A test adapter with a target schema and a resolver that records what it was asked. */
function shaped(
  name: string,
  schema: TargetSchema | undefined,
  resolve: (t: LinkTarget) => Promise<LinkTarget> = async (t) => t,
) {
  const resolved: LinkTarget[] = [];
  const inner = createTestAdapter({ name, network: new TestNetwork(`${name}-`) });
  const build: AdapterBuilder = Object.assign(
    (c: AdapterComponents) =>
      Object.assign(inner(c), {
        ...(schema && { targetSchema: schema }),
        resolveTarget: (t: LinkTarget) => {
          resolved.push(t);
          return resolve(t);
        },
      }),
    { network: name as NetworkName },
  );
  return { spec: { name, build }, resolved };
}

const roomSchema: TargetSchema = z
  .object({ room: z.string().regex(/^!/, 'must be a room id like !abc') })
  .strict();

async function caught(p: Promise<unknown>): Promise<unknown> {
  return p.then(
    () => undefined,
    (e: unknown) => e,
  );
}

describe('link targets in the link manager', () => {
  it('refuses a target its schema refuses, naming the field, before resolving or storing', async () => {
    const net = shaped('r', roomSchema);
    const h = await startHarness([net.spec], { link: false });
    const error = await caught(
      h.runtime.links.create({ channel: 'fresh', network: 'r', target: { room: 'lobby' } }),
    );
    expect(error).toBeInstanceOf(InvalidLinkTargetError);
    expect(error).toMatchObject({
      field: 'target.room',
      message: 'target.room: must be a room id like !abc',
    });
    const extra = await caught(
      h.runtime.links.create({ channel: 'fresh', network: 'r', target: { room: '!a', x: '1' } }),
    );
    expect(extra).toMatchObject({ field: 'target.x' });
    expect(net.resolved).toEqual([]);
    expect(await h.runtime.links.list()).toEqual([]);
    expect(h.node.findChannelByName('fresh')).toBeUndefined();

    const ok = await h.runtime.links.create({
      channel: 'fresh',
      network: 'r',
      target: { room: '!a' },
    });
    expect(ok.target).toEqual({ room: '!a' });
    expect(net.resolved).toEqual([{ room: '!a' }]);
  });

  it('a target the network refuses is an InvalidLinkError with its reason; an outage is not', async () => {
    const gone = shaped('g', roomSchema, async (t) => {
      if (t['room'] === '!down') throw new DeliveryError('homeserver unreachable');
      throw new DeliveryError(`room ${t['room']} does not exist`, { permanent: true });
    });
    const h = await startHarness([gone.spec], { link: false });
    const refused = await caught(
      h.runtime.links.create({ channel: 'general', network: 'g', target: { room: '!nope' } }),
    );
    expect(refused).toBeInstanceOf(InvalidLinkError);
    expect(refused).toMatchObject({
      field: 'target',
      message: 'target: room !nope does not exist',
    });
    const down = await caught(
      h.runtime.links.create({ channel: 'general', network: 'g', target: { room: '!down' } }),
    );
    expect(down).toBeInstanceOf(DeliveryError);
    expect(down).not.toBeInstanceOf(InvalidLinkError);
    expect(await h.runtime.links.list()).toEqual([]);
  });

  it('without a schema, a target still needs non-empty text fields; an unknown network names the configured', async () => {
    const h = await startHarness([{ name: 'a' }, { name: 'b' }], { link: false });
    const create = (network: string, target: unknown) =>
      caught(h.runtime.links.create({ channel: 'general', network, target: target as LinkTarget }));
    expect(await create('a', {})).toMatchObject({ message: 'target: needs at least one field' });
    expect(await create('a', { channel: '' })).toMatchObject({
      message: 'target.channel: must be a non-empty string',
    });
    const unknown = await create('zz', { channel: 'x' });
    expect(unknown).toBeInstanceOf(NetworkNotConfiguredError);
    expect((unknown as Error).message).toMatch(/network "zz" is not configured.*configured: a, b$/);
  });

  it('at start, a stored target the schema no longer takes is logged and not resolved', async () => {
    const net = shaped('r', roomSchema);
    const warnings: string[] = [];
    const logger = {
      debug() {},
      info() {},
      error() {},
      warn(obj: object | string, msg?: string) {
        warnings.push(`${msg} ${JSON.stringify(obj)}`);
      },
    };
    const h = await startHarness([net.spec], { link: false, logger });
    const general = h.general as ChannelId;
    await h.store.links.create({
      channel: general,
      network: 'r' as NetworkName,
      target: { room: 'old' },
    });
    await h.store.links.create({
      channel: general,
      network: 'r' as NetworkName,
      target: { room: '!ok' },
    });
    await h.runtime.links.reopen();
    expect(net.resolved).toEqual([{ room: '!ok' }]);
    expect(warnings).toEqual([
      expect.stringMatching(/stored link could not be reopened.*target\.room: must be a room id/),
    ]);
  });
});
