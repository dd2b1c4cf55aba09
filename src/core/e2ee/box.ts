/**
 * X25519 box keys and the HPKE-style box that carries a chain key to one member: an ephemeral
 * X25519 key, HKDF-SHA256 over the shared secret, AES-256-GCM. node:crypto has all three, so no
 * dependency. A box key is derived from the Ed25519 seed the data dir already keeps (0600), so
 * no new secret sits at rest and a restart finds the same key.
 */
import {
  createCipheriv,
  createDecipheriv,
  createPrivateKey,
  createPublicKey,
  diffieHellman,
  generateKeyPairSync,
  hkdfSync,
  type KeyObject,
} from 'node:crypto';
import { encodeCanonical, fromBase64Url, toBase64Url } from '../encoding.js';
import { KeyShareOpenError, SealedFormatError } from './errors.js';

// DER wrappers around raw X25519 keys (RFC 8410).
const PKCS8_PREFIX = Buffer.from('302e020100300506032b656e04220420', 'hex');
const SPKI_PREFIX = Buffer.from('302a300506032b656e032100', 'hex');

export interface BoxKeyPair {
  /** base64url of the raw 32-byte X25519 public key: what a profile publishes as `boxKey`. */
  readonly publicKey: string;
  readonly privateKey: KeyObject;
}

/** A sealed chain key for one recipient, as it travels in a keyShare resource (JSON-safe). */
export interface Box {
  /** The recipient's box key. */
  readonly to: string;
  /** Ephemeral X25519 public key, base64url. */
  readonly e: string;
  /** AES-256-GCM ciphertext and tag of the 32-byte chain key, base64url. */
  readonly c: string;
}

export function boxKeyFromSeed(seed: Uint8Array): BoxKeyPair {
  const raw = Buffer.from(hkdfSync('sha256', seed, 'multichat/e2ee/1', 'x25519 box key', 32));
  const privateKey = createPrivateKey({
    key: Buffer.concat([PKCS8_PREFIX, raw]),
    format: 'der',
    type: 'pkcs8',
  });
  return { publicKey: rawPublic(createPublicKey(privateKey)), privateKey };
}

function rawPublic(key: KeyObject): string {
  const spki = key.export({ format: 'der', type: 'spki' });
  return toBase64Url(spki.subarray(SPKI_PREFIX.length));
}

const publicKeys = new Map<string, KeyObject>();
function publicKeyObject(text: string): KeyObject {
  let key = publicKeys.get(text);
  if (!key) {
    const raw = fromBase64Url(text);
    if (raw.length !== 32) throw new SealedFormatError(`a box key has 32 bytes, got ${raw.length}`);
    key = createPublicKey({ key: Buffer.concat([SPKI_PREFIX, raw]), format: 'der', type: 'spki' });
    if (publicKeys.size > 10_000) publicKeys.clear();
    publicKeys.set(text, key);
  }
  return key;
}

/** `context` binds the box to its share (channel, sender, chain): a box moved elsewhere fails. */
function boxKey(shared: Buffer, ephemeral: string, to: string, context: Uint8Array): Buffer {
  const salt = Buffer.concat([fromBase64Url(ephemeral), fromBase64Url(to)]);
  return Buffer.from(hkdfSync('sha256', shared, salt, Buffer.from(context), 32));
}

export function shareContext(channel: string, sender: string, chain: string): Uint8Array {
  return encodeCanonical(['multichat/e2ee/1/share', channel, sender, chain]);
}

// One key per box, used once: a fixed nonce is safe.
const ZERO_IV = Buffer.alloc(12);

export function sealBox(secret: Uint8Array, to: string, context: Uint8Array): Box {
  const eph = generateKeyPairSync('x25519');
  const e = rawPublic(eph.publicKey);
  const shared = diffieHellman({ privateKey: eph.privateKey, publicKey: publicKeyObject(to) });
  const cipher = createCipheriv('aes-256-gcm', boxKey(shared, e, to, context), ZERO_IV);
  cipher.setAAD(Buffer.from(context));
  const c = Buffer.concat([cipher.update(secret), cipher.final(), cipher.getAuthTag()]);
  return { to, e, c: toBase64Url(c) };
}

export function openBox(box: Box, key: BoxKeyPair, context: Uint8Array): Uint8Array {
  const sealed = fromBase64Url(box.c);
  if (sealed.length !== 48) throw new SealedFormatError('a box holds a 32-byte key and a tag');
  try {
    const shared = diffieHellman({ privateKey: key.privateKey, publicKey: publicKeyObject(box.e) });
    const decipher = createDecipheriv(
      'aes-256-gcm',
      boxKey(shared, box.e, key.publicKey, context),
      ZERO_IV,
    );
    decipher.setAAD(Buffer.from(context));
    decipher.setAuthTag(sealed.subarray(32));
    return new Uint8Array(
      Buffer.concat([decipher.update(sealed.subarray(0, 32)), decipher.final()]),
    );
  } catch (error) {
    throw new KeyShareOpenError("the key share box does not open with this node's key", {
      cause: error,
    });
  }
}
