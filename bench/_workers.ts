/**
 * Helpers shared by the benchmarks that run each node in a worker thread of one process.
 */
import { Worker } from 'node:worker_threads';
import { sourceWorkerBoot } from '../test/peers/source-node.mjs';

/** Starts `moduleUrl` (the benchmark file itself) from source in a worker thread. */
export function startWorker(moduleUrl: string, workerData: unknown): Worker {
  return new Worker(sourceWorkerBoot(moduleUrl), { eval: true, workerData });
}

/** Resolves with the worker's next message whose `kind` is the one asked for. */
export function nextMessage<M extends { kind: string }, K extends M['kind']>(
  worker: Worker,
  kind: K,
): Promise<Extract<M, { kind: K }>> {
  return new Promise((resolve) => {
    const on = (message: M) => {
      if (message.kind !== kind) return;
      worker.off('message', on);
      resolve(message as Extract<M, { kind: K }>);
    };
    worker.on('message', on);
  });
}

/** The value at percentile `p` (0–100) of an ascending list. */
export function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

/**
 * The peers node `index` dials in the gossip benchmarks' sparse graph: the previous node and
 * the one three before it, so most messages cross more than one hop.
 */
export function sparsePeers(addresses: readonly string[], index: number): string[] {
  return [addresses[index - 1], addresses[index - 3]].filter((a): a is string => a !== undefined);
}
