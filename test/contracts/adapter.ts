/**
 * The adapter contract: one set of behaviour cases every bridge adapter runs against its real peer
 * (ngircd, Synapse) or fake (Discord, Slack), through a `ContractHarness` (./adapter-harness.ts).
 * Outbound: send, edit, delete, react, unreact, reply, thread, long message, mention, attachment;
 * inbound: a person's message, edit, delete and reaction; the channel: topic, membership and
 * typing, both ways; then echo suppression, rate limit and reconnect. No case may leave a drop
 * reported by the adapter (`reportDrop`) behind. A case runs or skips by what `adapter.capabilities` declares (and what the person's client can do),
 * never by the network's name. Cases a harness lists in `knownFailures` run as `it.fails`.
 */
import { afterAll, beforeAll, describe, expect, it, type TestContext } from 'vitest';
import type { AdapterCapabilities, InboundEvent, LinkTarget } from '../../src/bridges/types.js';
import { eventually } from '../support/eventually.js';
import { Courier } from './adapter-courier.js';
import type {
  ContractCase,
  ContractHarness,
  ContractWorld,
  ReportedDrop,
  SeenPost,
} from './adapter-harness.js';
import { channelCases } from './adapter-channel.js';
import { fileCases } from './adapter-files.js';
import { inboundCases } from './adapter-inbound.js';
import { outboundCases } from './adapter-outbound.js';
import { resilienceCases } from './adapter-resilience.js';

export type { ContractHarness } from './adapter-harness.js';

/** What a person may be able to do on a network (the optional methods of ContractPerson). */
export type PersonAbility = 'edit' | 'remove' | 'react' | 'setTopic' | 'leaveAndReturn' | 'type';

/** What a case needs before it can run; the reason it skips otherwise. */
export interface Needs {
  /** A capability that must be true. */
  readonly capability?: keyof AdapterCapabilities;
  /** Something the person's client must be able to do on this network. */
  readonly person?: PersonAbility;
  /** The adapter keeps a connection to the network that can drop. */
  readonly connection?: true;
  /**
   * Drops the case causes on purpose (it sends what the network cannot take); any other drop
   * the adapter reports during the case fails it.
   */
  readonly drops?: (drop: ReportedDrop) => boolean;
}

/** What every case gets: the started world, a router-like courier, and waiting helpers. */
export interface ContractContext {
  readonly world: ContractWorld;
  readonly courier: Courier;
  /** A word no other case uses, that every markup leaves as it is. */
  token(label: string): string;
  /** Waits until `pick` finds something in what the person reads in `target`. */
  seen<T>(
    target: LinkTarget,
    pick: (posts: readonly SeenPost[]) => T | undefined | false,
    what: string,
  ): Promise<T>;
  /** Waits until `pick` finds something among the events emitted since index `from`. */
  emitted<T>(
    from: number,
    pick: (events: readonly InboundEvent[]) => T | undefined | false,
    what: string,
  ): Promise<T>;
}

/** A case's body; `target` is a fresh one of its own (the case's name is its label). */
export type CaseBody = (c: ContractContext, target: LinkTarget) => Promise<void>;
export type DefineCase = (
  name: ContractCase,
  title: string,
  needs: Needs,
  body: CaseBody,
  timeoutMs?: number,
) => void;

const WAIT_MS = 30_000;

export function runAdapterContract(harness: ContractHarness): void {
  describe.skipIf(harness.unavailable !== undefined)(`adapter contract: ${harness.title}`, () => {
    let context: ContractContext | undefined;
    let counter = 0;

    beforeAll(async () => {
      const world = await harness.start();
      context = {
        world,
        courier: new Courier(world.adapter, world.person),
        token: (label) =>
          `${label.replace(/[^a-z]/gi, '')}${(++counter).toString(36)}x${Date.now().toString(36)}`,
        seen: (target, pick, what) =>
          eventually(async () => pick(await world.person.read(target)), {
            what,
            timeoutMs: WAIT_MS,
            intervalMs: 100,
          }),
        emitted: (from, pick, what) =>
          eventually(() => pick(world.events.slice(from)), {
            what,
            timeoutMs: WAIT_MS,
            intervalMs: 25,
          }),
      };
    }, 180_000);

    afterAll(async () => {
      await context?.world.stop();
    }, 60_000);

    const define: DefineCase = (name, title, needs, body, timeoutMs = 90_000) => {
      const known = harness.knownFailures?.[name];
      const run = known === undefined ? it : it.fails;
      const label =
        known === undefined ? `${name}: ${title}` : `${name}: ${title} (known failure: ${known})`;
      run(
        label,
        async (test: TestContext) => {
          if (!context) throw new Error('the harness did not start');
          skipUnlessAble(test, context, needs);
          const drops = context.world.drops.length;
          await body(context, await context.world.openTarget(name));
          // Zero drops: a drop the adapter reported during the case fails it unless declared.
          const unexpected = context.world.drops.slice(drops).filter((d) => !needs.drops?.(d));
          expect(unexpected, 'drops the adapter reported').toEqual([]);
        },
        timeoutMs,
      );
    };

    outboundCases(define);
    fileCases(define);
    inboundCases(define);
    channelCases(define);
    resilienceCases(define);
  });
}

function skipUnlessAble(test: TestContext, c: ContractContext, needs: Needs): void {
  const { capability, person, connection } = needs;
  if (capability !== undefined && c.world.adapter.capabilities[capability] !== true)
    test.skip(`capabilities.${capability} is false`);
  const limit = capability === undefined ? undefined : c.world.capabilityLimits?.[capability];
  if (limit !== undefined) test.skip(`capabilities.${String(capability)}: ${limit}`);
  if (person !== undefined && c.world.person[person] === undefined)
    test.skip(c.world.personLimits?.[person] ?? `a person cannot ${person} on this network`);
  if (connection && c.world.connection === undefined)
    test.skip('the adapter keeps no connection to the network here');
}
