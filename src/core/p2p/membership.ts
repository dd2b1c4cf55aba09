/**
 * Proof that a peer hosts a member of a private channel (DESIGN §10, docs/protocol.md): the sync
 * server sends a fresh nonce; the client signs the challenge bytes with each key it holds that
 * signs for a member; the server keeps the keys whose signature holds and that sign for a user
 * who is a current member of a non-public channel in its own state.
 */
import { encodeCanonical } from '../encoding.js';
import { verify } from '../identity.js';
import type { Address, MembershipChallenge, MembershipProof } from '../types.js';
import { MembershipProofError } from './errors.js';

/** Domain of the signed bytes: no entry, presence or other signed object encodes like this. */
const TAG = 'multichat/membership-proof/1';

/** Bytes of a random challenge nonce. */
export const NONCE_BYTES = 32;

/** Most keys one proof may carry (a gateway hosting many members of private channels). */
export const MAX_PROOF_KEYS = 256;

/** The bytes a key signs to answer `challenge`: the tag, the nonce and both peer ids. */
export function membershipChallengeBytes(challenge: MembershipChallenge): Uint8Array {
  return encodeCanonical([TAG, challenge.nonce, challenge.server, challenge.client]);
}

/** What a server made of one proof frame. */
export interface ProofVerdict {
  /** Keys whose signature holds and that give access to at least one channel. */
  readonly keys: Address[];
  /** One error per refused key, naming it. */
  readonly refused: MembershipProofError[];
}

/**
 * Checks `proofs` against `challenge`. `granting(keys)` says which of the keys whose signature
 * holds sign for a current member of some non-public channel here; a valid signature by a key
 * that grants nothing is refused too.
 */
export function checkProofs(
  challenge: MembershipChallenge,
  proofs: readonly MembershipProof[],
  granting: (keys: readonly Address[]) => ReadonlySet<Address>,
): ProofVerdict {
  const bytes = membershipChallengeBytes(challenge);
  const refused: MembershipProofError[] = [];
  const signed: Address[] = [];
  for (const { key, sig } of proofs) {
    if (signed.includes(key)) continue;
    if (verify(key, bytes, sig)) signed.push(key);
    else
      refused.push(
        new MembershipProofError('signature', key, 'the signature does not match the challenge'),
      );
  }
  const granted = signed.length > 0 ? granting(signed) : new Set<Address>();
  for (const key of signed) {
    if (!granted.has(key)) {
      refused.push(
        new MembershipProofError(
          'not_member',
          key,
          'signs for no member of a private channel here',
        ),
      );
    }
  }
  return { keys: signed.filter((key) => granted.has(key)), refused };
}
