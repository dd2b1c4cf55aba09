/**
 * Link codes: random, typed by people, stored only as a hash. Ten symbols of Crockford's base32
 * (no I, L, O, U) carry 50 bits: guessing one of the few live codes within its 10 minutes is
 * out of reach. Reading is forgiving: case, spaces and dashes are ignored, and the look-alikes
 * O, I and L count as 0, 1 and 1.
 */
import { createHash, randomBytes } from 'node:crypto';

const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
export const CODE_LENGTH = 10;
/** How long a code may be redeemed after it was issued. */
export const CODE_TTL_MS = 10 * 60_000;

/** A fresh code as shown to the person: `XXXXX-XXXXX`. */
export function newLinkCode(random: (n: number) => Uint8Array = randomBytes): string {
  const bytes = random(CODE_LENGTH);
  let out = '';
  // 256 is a multiple of 32, so `byte % 32` is uniform.
  for (let i = 0; i < CODE_LENGTH; i++) out += ALPHABET[bytes[i]! % 32];
  return `${out.slice(0, 5)}-${out.slice(5)}`;
}

/** The code as typed → its canonical form, or undefined when it cannot be a code. */
export function normaliseLinkCode(typed: string): string | undefined {
  const plain = typed.toUpperCase().replace(/[\s-]/g, '').replace(/O/g, '0').replace(/[IL]/g, '1');
  if (plain.length !== CODE_LENGTH) return undefined;
  for (const c of plain) if (!ALPHABET.includes(c)) return undefined;
  return plain;
}

/** What the store keeps: hex SHA-256 of the canonical form. */
export function hashLinkCode(canonical: string): string {
  return createHash('sha256').update(`multichat-link-code:${canonical}`).digest('hex');
}
