/**
 * Components for an adapter under the contract: `emit` and `reportHealth` record what the adapter
 * hands the runtime, in order; the logger is quiet.
 */
import type { AdapterComponents, AdapterHealth, InboundEvent } from '../../../src/bridges/types.js';
import { quietLogger } from '../quiet-logger.js';

export interface Recorder {
  readonly events: InboundEvent[];
  readonly healths: AdapterHealth[];
  readonly components: AdapterComponents;
}

export function recorder(): Recorder {
  const events: InboundEvent[] = [];
  const healths: AdapterHealth[] = [];
  return {
    events,
    healths,
    components: {
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
