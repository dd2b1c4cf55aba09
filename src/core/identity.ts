/**
 * Ed25519 identities with node:crypto. An address is the base64url of the raw 32-byte public key.
 * KeyObjects are cached per address because building one costs about as much as a verify.
 */
import {
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  sign as signRaw,
  verify as verifyRaw,
  type KeyObject,
} from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fromBase64Url, toBase64Url } from './encoding.js';
import type { Address } from './types.js';

// DER prefixes of PKCS#8 / SPKI wrappers around a raw Ed25519 seed / public key (RFC 8410).
const PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');
const SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

export interface KeyPair {
  readonly address: Address;
  /** 32-byte Ed25519 seed (the private key). */
  readonly seed: Uint8Array;
  readonly publicKey: Uint8Array;
  readonly privateKey: KeyObject;
}

export function keyPairFromSeed(seed: Uint8Array): KeyPair {
  if (seed.length !== 32) throw new Error(`an Ed25519 seed has 32 bytes, got ${seed.length}`);
  const privateKey = createPrivateKey({
    key: Buffer.concat([PKCS8_PREFIX, seed]),
    format: 'der',
    type: 'pkcs8',
  });
  const spki = createPublicKey(privateKey).export({ format: 'der', type: 'spki' });
  const publicKey = new Uint8Array(spki.subarray(SPKI_PREFIX.length));
  return { address: toBase64Url(publicKey) as Address, seed, publicKey, privateKey };
}

export function generateKeyPair(): KeyPair {
  const { privateKey } = generateKeyPairSync('ed25519');
  const pkcs8 = privateKey.export({ format: 'der', type: 'pkcs8' });
  return keyPairFromSeed(new Uint8Array(pkcs8.subarray(PKCS8_PREFIX.length)));
}

export function sign(pair: KeyPair, message: Uint8Array): Uint8Array {
  return new Uint8Array(signRaw(null, message, pair.privateKey));
}

const publicKeyCache = new Map<string, KeyObject>();
const PUBLIC_KEY_CACHE_LIMIT = 100_000;

function publicKeyObject(address: Address): KeyObject | undefined {
  let key = publicKeyCache.get(address);
  if (key) return key;
  const raw = fromBase64Url(address);
  if (raw.length !== 32) return undefined;
  key = createPublicKey({ key: Buffer.concat([SPKI_PREFIX, raw]), format: 'der', type: 'spki' });
  if (publicKeyCache.size >= PUBLIC_KEY_CACHE_LIMIT) publicKeyCache.clear();
  publicKeyCache.set(address, key);
  return key;
}

/** True when `sig` is `address`'s Ed25519 signature of `message`; false for malformed input. */
export function verify(address: Address, message: Uint8Array, sig: Uint8Array): boolean {
  try {
    const key = publicKeyObject(address);
    return key !== undefined && sig.length === 64 && verifyRaw(null, message, key, sig);
  } catch {
    return false;
  }
}

export function isAddress(text: string): text is Address {
  return /^[A-Za-z0-9_-]{43}$/.test(text);
}

export const NODE_KEY_FILE = 'node.key';

/**
 * Reads `<dataDir>/node.key` (the base64url seed), or creates it with mode 0600 on first start.
 * The same key signs the node's log and gives the libp2p peer id.
 */
export function loadOrCreateNodeKey(dataDir: string): KeyPair {
  mkdirSync(dataDir, { recursive: true });
  const file = join(dataDir, NODE_KEY_FILE);
  if (existsSync(file)) {
    const seed = fromBase64Url(readFileSync(file, 'utf8').trim());
    return keyPairFromSeed(seed);
  }
  const pair = generateKeyPair();
  writeFileSync(file, `${toBase64Url(pair.seed)}\n`, { mode: 0o600 });
  chmodSync(file, 0o600);
  return pair;
}
