/**
 * The sender-key chain: chain key k0 → (message key 0, k1) → (message key 1, k2) …, each step one
 * HKDF-SHA256. A message is sealed with AES-256-GCM under its message key, a random IV, and the
 * identifiers (channel, sender, chain, index) as associated data, so a ciphertext moved to
 * another message or chain position fails to open. Message keys are never stored: a reader keeps
 * the chain key it was given and derives forward, with a checkpoint every 64 steps so reading a
 * long chain in any order stays linear.
 */
import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto';
import { decodeCanonical, encodeCanonical } from '../encoding.js';
import { CiphertextTamperedError, SealedFormatError } from './errors.js';

const STEP = 64;
const INFO = Buffer.from('multichat/e2ee/1 chain');
const INFO_1 = Buffer.concat([INFO, Buffer.from([1])]);
const INFO_2 = Buffer.concat([INFO, Buffer.from([2])]);

/**
 * One ratchet step: the message key of this index and the chain key of the next, as
 * HKDF-Expand-SHA256 (RFC 5869 §2.3) with the chain key as the pseudorandom key: T1 = HMAC(k,
 * info ‖ 1) is the message key, T2 = HMAC(k, T1 ‖ info ‖ 2) the next chain key. A chain key is
 * already uniformly random, so the extract step adds nothing, and two HMACs cost about a third
 * of node's hkdfSync.
 */
export function ratchet(chainKey: Uint8Array): { messageKey: Buffer; next: Buffer } {
  const messageKey = createHmac('sha256', chainKey).update(INFO_1).digest();
  const next = createHmac('sha256', chainKey).update(messageKey).update(INFO_2).digest();
  return { messageKey, next };
}

type Step = { messageKey: Buffer; next: Buffer };

export class ChainReader {
  private readonly checkpoints: Buffer[];
  /** The furthest step taken (ingest reads a chain to its end). */
  private front: { index: number; step: Step };
  /** The step read last: a page of history read in order walks on from it. */
  private last: { index: number; step: Step };

  constructor(first: Uint8Array) {
    this.checkpoints = [Buffer.from(first)];
    this.front = { index: 0, step: ratchet(first) };
    this.last = this.front;
  }

  messageKey(index: number): Buffer {
    // Start from the nearest known step at or before `index`.
    const n = Math.min(Math.floor(index / STEP), this.checkpoints.length - 1);
    let at = n * STEP;
    let step: Step | undefined;
    for (const known of [this.front, this.last]) {
      if (known.index <= index && known.index >= at) ({ index: at, step } = known);
    }
    step ??= ratchet(this.checkpoints[n]!);
    while (at < index) {
      const key = step.next;
      at += 1;
      if (at % STEP === 0 && this.checkpoints.length === at / STEP) this.checkpoints.push(key);
      step = ratchet(key);
    }
    this.last = { index, step };
    if (index > this.front.index) this.front = this.last;
    return step.messageKey;
  }
}

/** The content blob of a message or edit in an encrypted channel (stored and hashed as is). */
export interface SealedContent {
  /** Chain id. */
  readonly k: string;
  /** Index in the chain. */
  readonly i: number;
  readonly iv: Uint8Array;
  /** AES-256-GCM ciphertext of the plaintext content blob `{n, t}`, tag appended. */
  readonly x: Uint8Array;
}

export interface SealIds {
  readonly channel: string;
  readonly sender: string;
  readonly chain: string;
  readonly index: number;
}

function aad(ids: SealIds): Buffer {
  return Buffer.from(
    encodeCanonical(['multichat/e2ee/1/message', ids.channel, ids.sender, ids.chain, ids.index]),
  );
}

export function sealContent(plain: Uint8Array, messageKey: Buffer, ids: SealIds): Uint8Array {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', messageKey, iv);
  cipher.setAAD(aad(ids));
  const x = Buffer.concat([cipher.update(plain), cipher.final(), cipher.getAuthTag()]);
  const sealed: SealedContent = { k: ids.chain, i: ids.index, iv, x };
  return encodeCanonical({ e2ee: 1, ...sealed });
}

/** The sealed form of a content blob, or undefined when it is a plaintext `{n, t}` blob. */
export function readSealed(bytes: Uint8Array): SealedContent | undefined {
  // A sealed blob is a CBOR map of 5, a plaintext one `{n, t}` a map of 2: most reads stop here.
  if (bytes[0] !== 0xa5) return undefined;
  let value: Record<string, unknown>;
  try {
    value = decodeCanonical<Record<string, unknown>>(bytes);
  } catch {
    return undefined;
  }
  if (!value || typeof value !== 'object' || value.e2ee === undefined) return undefined;
  const { e2ee, k, i, iv, x } = value;
  if (
    e2ee !== 1 ||
    typeof k !== 'string' ||
    k.length > 64 ||
    !Number.isSafeInteger(i) ||
    (i as number) < 0 ||
    !(iv instanceof Uint8Array) ||
    iv.length !== 12 ||
    !(x instanceof Uint8Array) ||
    x.length < 16 ||
    Object.keys(value).length !== 5
  ) {
    throw new SealedFormatError('a sealed content blob is {e2ee: 1, k, i, iv, x}');
  }
  return { k, i: i as number, iv, x };
}

export function isSealedContent(bytes: Uint8Array): boolean {
  try {
    return readSealed(bytes) !== undefined;
  } catch {
    return false;
  }
}

export function openContent(sealed: SealedContent, messageKey: Buffer, ids: SealIds): Uint8Array {
  try {
    const decipher = createDecipheriv('aes-256-gcm', messageKey, sealed.iv);
    decipher.setAAD(aad(ids));
    decipher.setAuthTag(sealed.x.subarray(sealed.x.length - 16));
    const body = sealed.x.subarray(0, sealed.x.length - 16);
    return new Uint8Array(Buffer.concat([decipher.update(body), decipher.final()]));
  } catch (error) {
    throw new CiphertextTamperedError(
      `ciphertext of chain ${ids.chain} index ${ids.index} does not open: changed or misplaced`,
      { cause: error },
    );
  }
}
