/**
 * Gossipsub validation of log entries. A message carries one entry, or a run of one author's
 * consecutive entries on the topic whose newest is signed (see gossip.ts). The message id is the
 * id of its newest entry, so the seen-cache drops a replay before it is decoded twice; the
 * validator hands the entries to the node, which checks the signature, the author's chain
 * (seq/prev) and every resource logic, and stores them if they hold.
 * Refused entries are rejected (gossipsub scores the sender down and does not forward them):
 * that includes a field out of type or range, such as a malformed or far-future clock.
 * Entries held back for missing dependencies, or because their clock is a little ahead of ours
 * (held until due, see hlc.ts), cost the sender nothing: they are forwarded when their
 * signature holds, and trigger a fetch from the peer that sent them if still waiting later.
 * With `signatureWorker`, the signatures of a message are checked on a worker thread first
 * (signature-checks.ts): a bad one refuses the message before it reaches the node, and a good
 * one is not checked again on the main thread.
 */
import type { PeerId } from '@libp2p/interface';
import type { EntryEnvelope, EntryId } from '../types.js';
import { hashBytes } from '../encoding.js';
import { hasValidSignature, seal } from '../log.js';
import type { CoreLogger } from '../options.js';
import { decodeEntryRun } from '../wire.js';
import { IngestQueue } from './ingest-queue.js';
import { SignatureChecks } from './signature-checks.js';
import { LOG_TOPIC, topicOfEntry } from './topics.js';
import type { SyncNode } from './types.js';

/** Mirrors gossipsub's TopicValidatorResult (string enum) without importing its runtime. */
export type Verdict = 'accept' | 'ignore' | 'reject';

/** A decoded message, cached between the message-id function and the validator. */
interface Decoded {
  /** The id of the newest entry. */
  readonly id: string;
  readonly run: readonly { readonly id: EntryId; readonly envelope: EntryEnvelope }[];
}

/** Verdicts of a run's entries combined: one refused entry refuses the message. */
type Fate = Awaited<ReturnType<IngestQueue['offer']>>;

export interface EntryValidatorHooks {
  /** The sender of an entry that the node holds back for missing dependencies. */
  onPending(peer: PeerId): void;
  /** The sender of an entry the node refused. */
  onRejected(peer: PeerId, reason: string): void;
  /** An entry was accepted from gossip. */
  onAccepted?(): void;
}

export interface EntryValidationOptions {
  /** Check signatures on a worker thread (P2P option `signatureWorker`). Default false. */
  readonly signatureWorker?: boolean;
  readonly log?: CoreLogger;
}

const utf8 = new TextEncoder();

/** How far ahead of an author's stored head a held-back entry is still forwarded. */
const FORWARD_AHEAD = 256;

/** Creates the msgIdFn and the topic validator; they share a decode cache keyed by the bytes. */
export function createEntryValidation(
  node: Pick<SyncNode, 'ingest' | 'on' | 'getEntries' | 'entriesAfter'>,
  hooks: EntryValidatorHooks,
  options: EntryValidationOptions = {},
) {
  const decoded = new WeakMap<Uint8Array, Decoded | string>();
  /** Ids of runs this node publishes, until gossipsub asks for them (see published()). */
  const ownIds = new WeakMap<Uint8Array, string>();
  const queue = new IngestQueue(node);
  const signatures = options.signatureWorker ? new SignatureChecks(options.log) : undefined;

  /** The first signed entry of the run whose signature the worker finds bad, if any. */
  async function badSignature(run: Decoded['run']): Promise<EntryId | undefined> {
    const signed = run.map((r) => seal(r.envelope.entry)).filter((s) => s.entry.sig !== undefined);
    const valid = await Promise.all(signed.map((s) => signatures!.check(s)));
    return signed.find((_, i) => !valid[i])?.id;
  }

  /** The decoded run, or why it cannot be decoded (kept for the refusal's reason). */
  function decode(data: Uint8Array): Decoded | string {
    let value = decoded.get(data);
    if (value !== undefined) return value;
    try {
      const run = decodeEntryRun(data).map(({ sealed, contents }) => ({
        id: sealed.id,
        envelope: { entry: sealed.entry, contents },
      }));
      value = consecutive(run.map((r) => r.envelope))
        ? { id: run.at(-1)!.id, run }
        : 'entries of a run are not one log in order';
    } catch (error) {
      value = (error as Error).message;
    }
    decoded.set(data, value);
    return value;
  }

  /**
   * The bytes of a run this node is about to publish, with the id of its newest entry: gossipsub
   * asks the id of every message it publishes, and decoding our own bytes back (CBOR, then
   * hashing each entry again) cost 8-11 µs a message on the sender, for an id we already have.
   */
  function published(data: Uint8Array, id: EntryId): void {
    ownIds.set(data, id);
  }

  /** Message id: the entry id; undecodable bytes get a distinct id so they reach the validator. */
  function messageId(data: Uint8Array): Uint8Array {
    const own = ownIds.get(data);
    if (own !== undefined) {
      // Asked once per publish; gossipsub keeps the bytes for a few heartbeats after that.
      ownIds.delete(data);
      return utf8.encode(own);
    }
    const value = decode(data);
    return utf8.encode(typeof value === 'string' ? `malformed:${hashBytes(data)}` : value.id);
  }

  async function validate(peer: PeerId, topic: string, data: Uint8Array): Promise<Verdict> {
    const value = decode(data);
    // Validated once: gossipsub keeps the bytes for a few heartbeats (to answer IWANT), which
    // would keep the decoded entries alive with them (a few MB at a thousand messages a second).
    decoded.delete(data);
    if (typeof value === 'string') {
      hooks.onRejected(peer, `malformed envelope: ${value}`);
      return 'reject';
    }
    if (value.run.some((r) => topicOfEntry(r.envelope.entry) !== topic)) {
      hooks.onRejected(peer, 'entry published on the wrong topic');
      return 'reject';
    }
    const newest = value.run.at(-1)!.envelope.entry;
    if (newest.sig === undefined) {
      // Publishers end every run with a signed entry; anything else cannot be verified here.
      hooks.onRejected(peer, 'gossip message does not end with a signed entry');
      return 'reject';
    }
    const { author } = newest;
    if (topic === LOG_TOPIC && node.entriesAfter(author, 0, 1).length === 0) {
      // A profile change of an author this node does not replicate: it would wait forever for
      // the start of that log. The log arrives with the first followed channel they write in.
      return 'ignore';
    }
    const forged = signatures ? await badSignature(value.run) : undefined;
    if (forged !== undefined) {
      hooks.onRejected(peer, `bad_signature: entry ${forged} of its author has a bad signature`);
      return 'reject';
    }
    const fates: Fate[] = await Promise.all(value.run.map((r) => queue.offer(r.id, r.envelope)));
    const refused = fates.find((f) => f.kind === 'rejected');
    if (refused) {
      hooks.onRejected(peer, refused.reason);
      return 'reject';
    }
    if (fates.some((f) => f.kind === 'accepted')) {
      hooks.onAccepted?.();
      return 'accept';
    }
    if (fates.some((f) => f.kind === 'pending')) {
      hooks.onPending(peer);
      // Held back only because an earlier entry or a dependency has not arrived yet (gossip
      // takes several paths, so order is not guaranteed). Forwarding must not wait for that, or
      // every node downstream would see the same gap: forward it when its author really signed
      // it and it is near the author's known head (a far-ahead entry is not worth carrying).
      const nearHead =
        newest.seq <= FORWARD_AHEAD ||
        node.entriesAfter(author, newest.seq - FORWARD_AHEAD - 1, 1).length > 0;
      if (nearHead && hasValidSignature(newest)) return 'accept';
    }
    return 'ignore';
  }

  /** Ends the signature thread, if any. */
  const close = async (): Promise<void> => signatures?.close();

  return { messageId, validate, published, close };
}

/** A run is one author's entries with consecutive seqs. */
function consecutive(run: readonly EntryEnvelope[]): boolean {
  const first = run[0]!.entry;
  return run.every(({ entry }, i) => entry.author === first.author && entry.seq === first.seq + i);
}
