/**
 * Components for an adapter under the contract: `emit`, `reportHealth` and `reportDrop` record
 * what the adapter hands the runtime, in order; the logger is quiet.
 */
import type { AdapterComponents, AdapterHealth, InboundEvent } from '../../../src/bridges/types.js';
import type { ReportedDrop } from '../../contracts/adapter-harness.js';
import { quietLogger } from '../quiet-logger.js';

export interface Recorder {
  readonly events: InboundEvent[];
  readonly healths: AdapterHealth[];
  readonly drops: ReportedDrop[];
  readonly components: AdapterComponents;
}

/** A `reportDrop` that records into `drops` (the contract fails a case that left one). */
export function dropRecorder(drops: ReportedDrop[]): NonNullable<AdapterComponents['reportDrop']> {
  return (kind, reason, detail) =>
    void drops.push({
      kind,
      ...(reason !== undefined && { reason }),
      ...(detail !== undefined && { detail }),
    });
}

export function recorder(): Recorder {
  const events: InboundEvent[] = [];
  const healths: AdapterHealth[] = [];
  const drops: ReportedDrop[] = [];
  return {
    events,
    healths,
    drops,
    components: {
      reportDrop: dropRecorder(drops),
      logger: quietLogger,
      clock: { now: Date.now },
      emit: async (event) => {
        events.push(event);
      },
      reportHealth: (health) => healths.push(health),
    },
  };
}

/** A counter-suffixed name per opened target, unique within one world. */
export function namer(prefix: string): (label: string) => string {
  let n = 0;
  return (label) => `${prefix}${label.replace(/[^a-z]/gi, '').toLowerCase()}${++n}`;
}
