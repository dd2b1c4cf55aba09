/**
 * Body of the gossip signature thread (started by signature-checks.ts): verifies batches of
 * Ed25519 signatures so the node's main thread keeps serving while it ingests. It holds no
 * state but the public-key cache of identity.ts, and answers each batch in order.
 */
import { parentPort } from 'node:worker_threads';
import { verify } from '../identity.js';
import type { Address } from '../types.js';

/** One batch to check: parallel lists, so the structured clone copies flat arrays. */
export interface SignatureBatch {
  readonly batch: number;
  readonly authors: readonly Address[];
  readonly signed: readonly Uint8Array[];
  readonly sigs: readonly Uint8Array[];
}

/** The answer: whether each signature of the batch holds, in the batch's order. */
export interface SignatureAnswer {
  readonly batch: number;
  readonly valid: readonly boolean[];
}

parentPort?.on('message', (request: SignatureBatch) => {
  const valid = request.authors.map((author, i) =>
    verify(author, request.signed[i]!, request.sigs[i]!),
  );
  parentPort!.postMessage({ batch: request.batch, valid } satisfies SignatureAnswer);
});
