/**
 * Files in encrypted rooms (Matrix spec, "Sending encrypted attachments"): the bytes are
 * encrypted with AES-256-CTR under a fresh key before they reach the media repository, and the
 * event carries `file` (mxc URI, the key as a JWK, the IV, the SHA-256 of the ciphertext)
 * instead of `url`. Both ways stream: CTR keeps the length, so the upload's Content-Length is
 * the file's size and nothing is held whole; the hash is checked once the last byte went by.
 */
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { EncryptedFileHashError, EncryptedFileInvalidError } from './errors.js';

/** The `file` of an encrypted attachment (spec: EncryptedFile). */
export interface EncryptedFile {
  readonly url: string;
  readonly key: {
    readonly kty: 'oct';
    readonly key_ops: readonly string[];
    readonly alg: 'A256CTR';
    readonly k: string;
    readonly ext: true;
  };
  readonly iv: string;
  readonly hashes: { readonly sha256: string };
  readonly v: 'v2';
}

type Bytes = AsyncIterable<Uint8Array> | Iterable<Uint8Array>;

/** Unpadded base64, as the spec writes IVs and hashes. */
const unpadded = (b: Buffer): string => b.toString('base64').replace(/=+$/, '');

/** A file being encrypted: read `body` (the ciphertext) to the end, then ask for `file(url)`. */
export interface Sealing {
  readonly body: AsyncIterable<Uint8Array>;
  /** The `file` to send once `body` was read whole and uploaded to `url`. */
  file(url: string): EncryptedFile;
}

/** Encrypts `plain` under a fresh key and IV (the IV's low 64 bits, the counter, start at 0). */
export function sealFile(plain: Bytes): Sealing {
  const key = randomBytes(32);
  const iv = Buffer.concat([randomBytes(8), Buffer.alloc(8)]);
  const cipher = createCipheriv('aes-256-ctr', key, iv);
  const hash = createHash('sha256');
  let digest: string | undefined;
  async function* body(): AsyncGenerator<Uint8Array> {
    for await (const chunk of plain) {
      const out = cipher.update(chunk);
      hash.update(out);
      yield out;
    }
    const tail = cipher.final();
    if (tail.byteLength > 0) {
      hash.update(tail);
      yield tail;
    }
    digest = unpadded(hash.digest());
  }
  return {
    body: body(),
    file(url) {
      if (digest === undefined)
        throw new Error('sealFile: file() asked before the body was read whole');
      return {
        url,
        key: {
          kty: 'oct',
          key_ops: ['encrypt', 'decrypt'],
          alg: 'A256CTR',
          k: key.toString('base64url'),
          ext: true,
        },
        iv: unpadded(iv),
        hashes: { sha256: digest },
        v: 'v2',
      };
    },
  };
}

/** The parts of an event's `file` needed to decrypt it. @throws EncryptedFileInvalidError */
export function readEncryptedFile(value: unknown): {
  url: string;
  key: Buffer;
  iv: Buffer;
  sha256: string;
} {
  const file = (typeof value === 'object' && value !== null ? value : {}) as Record<
    string,
    unknown
  >;
  const jwk = (file['key'] ?? {}) as Record<string, unknown>;
  const hashes = (file['hashes'] ?? {}) as Record<string, unknown>;
  const url = file['url'];
  const k = jwk['k'];
  const iv = file['iv'];
  const sha256 = hashes['sha256'];
  if (typeof url !== 'string') throw new EncryptedFileInvalidError('no url');
  if (jwk['alg'] !== 'A256CTR' || typeof k !== 'string')
    throw new EncryptedFileInvalidError('the key is not an A256CTR JWK');
  if (typeof iv !== 'string') throw new EncryptedFileInvalidError('no iv');
  // Without the hash nothing says the bytes are the sender's: refused, as the spec asks.
  if (typeof sha256 !== 'string') throw new EncryptedFileInvalidError('no sha256 hash');
  const keyBytes = Buffer.from(k, 'base64url');
  const ivBytes = Buffer.from(iv, 'base64');
  if (keyBytes.byteLength !== 32) throw new EncryptedFileInvalidError('the key is not 256 bits');
  if (ivBytes.byteLength !== 16) throw new EncryptedFileInvalidError('the iv is not 16 bytes');
  return { url, key: keyBytes, iv: ivBytes, sha256: sha256.replace(/=+$/, '') };
}

/**
 * The plaintext of `cipher` (the downloaded bytes). The SHA-256 of the ciphertext is checked at
 * the end: a mismatch throws EncryptedFileHashError, so a store writing the stream keeps nothing.
 */
export async function* openFile(
  cipherBytes: Bytes,
  file: ReturnType<typeof readEncryptedFile>,
): AsyncGenerator<Uint8Array> {
  const decipher = createDecipheriv('aes-256-ctr', file.key, file.iv);
  const hash = createHash('sha256');
  for await (const chunk of cipherBytes) {
    hash.update(chunk);
    yield decipher.update(chunk);
  }
  const tail = decipher.final();
  const got = unpadded(hash.digest());
  if (got !== file.sha256) throw new EncryptedFileHashError(file.url);
  if (tail.byteLength > 0) yield tail;
}
