/**
 * Ed25519 checks of gossip entries on a worker thread (P2P option `signatureWorker`). The
 * validator asks for each signed entry of a message; requests made while a batch is in the
 * thread wait and go together as the next batch, so a busy node sends few, large batches and an
 * idle one adds only the hop. A valid signature is recorded on the sealed entry (log.ts
 * `markSignatureValid`), so the node's own check during ingest is a lookup; an invalid one is
 * answered false and the validator refuses the message. If the thread fails, its open and
 * later checks run on the main thread (logged once): nothing is accepted unchecked.
 */
import { Worker } from 'node:worker_threads';
import { markSignatureValid, sealedSignatureValid, type SealedEntry } from '../log.js';
import type { CoreLogger } from '../options.js';
import type { SignatureAnswer, SignatureBatch } from './signature-worker.js';

interface Request {
  readonly sealed: SealedEntry;
  readonly resolve: (valid: boolean) => void;
}

/** Most signatures per batch: bounds the time one answer takes (~60 µs each). */
const MAX_BATCH = 256;

export class SignatureChecks {
  private thread: Worker | undefined;
  private waiting: Request[] = [];
  /** The batch in the thread, by number. */
  private inFlight: { readonly batch: number; readonly requests: Request[] } | undefined;
  private batches = 0;
  private failed = false;

  constructor(private readonly log?: CoreLogger) {}

  /** Whether `sealed` carries its author's valid signature (false when it carries none). */
  check(sealed: SealedEntry): Promise<boolean> {
    if (sealed.entry.sig === undefined) return Promise.resolve(false);
    if (this.failed) return Promise.resolve(sealedSignatureValid(sealed));
    return new Promise((resolve) => {
      this.waiting.push({ sealed, resolve });
      if (!this.inFlight) this.send();
    });
  }

  /** Ends the thread; checks still open run on the main thread. */
  async close(): Promise<void> {
    const thread = this.thread;
    this.fail();
    this.failed = false;
    this.thread = undefined;
    await thread?.terminate();
  }

  private send(): void {
    const requests = this.waiting.splice(0, MAX_BATCH);
    if (requests.length === 0) return;
    const batch = (this.batches += 1);
    this.inFlight = { batch, requests };
    const message: SignatureBatch = {
      batch,
      authors: requests.map((r) => r.sealed.entry.author),
      signed: requests.map((r) => r.sealed.signed),
      sigs: requests.map((r) => r.sealed.entry.sig!),
    };
    try {
      this.started().postMessage(message);
    } catch (error) {
      this.fail(error);
    }
  }

  private started(): Worker {
    if (this.thread) return this.thread;
    const thread = startThread();
    thread.unref();
    thread.on('message', (answer: SignatureAnswer) => this.answered(answer));
    thread.on('error', (error) => this.fail(error));
    thread.on('exit', () => {
      if (this.thread === thread) this.fail(new Error('signature thread exited'));
    });
    this.thread = thread;
    return thread;
  }

  private answered(answer: SignatureAnswer): void {
    const open = this.inFlight;
    if (!open || open.batch !== answer.batch) return;
    this.inFlight = undefined;
    open.requests.forEach(({ sealed, resolve }, i) => {
      const valid = answer.valid[i] === true;
      if (valid) markSignatureValid(sealed);
      resolve(valid);
    });
    this.send();
  }

  /** The thread is gone: answer everything open here, and check inline from now on. */
  private fail(error?: unknown): void {
    if (error !== undefined && !this.failed) {
      this.log?.warn({ err: (error as Error).message }, 'p2p: signature thread failed');
    }
    this.failed = true;
    this.thread = undefined;
    const open = [...(this.inFlight?.requests ?? []), ...this.waiting.splice(0)];
    this.inFlight = undefined;
    for (const { sealed, resolve } of open) resolve(sealedSignatureValid(sealed));
  }
}

/**
 * From source (tests, benchmarks: this file is .ts) the thread registers tsx before loading its
 * body, as Node 20 runs no --import hooks for a worker's entry (test/peers/source-node.mjs does
 * the same); the built package loads the compiled .js directly.
 */
function startThread(): Worker {
  const here = import.meta.url;
  if (!here.endsWith('.ts')) return new Worker(new URL('./signature-worker.js', here));
  const body = JSON.stringify(new URL('./signature-worker.ts', here).href);
  return new Worker(
    `import('tsx/esm/api').then((t) => { t.register(); return import(${body}); });`,
    { eval: true },
  );
}
