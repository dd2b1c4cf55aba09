/**
 * keyShareLogic: a member of an encrypted channel shares their own chain key with the members'
 * box keys. The logic checks who may write a share and its shape; whether the boxes open is for
 * their recipients alone (a relay cannot tell), see e2ee.ts.
 */
import type { ResourceLogic } from '../logics/types.js';
import { firstRefusal, refuse } from '../logics/types.js';

/** Boxes per keyShare resource: a chain shared with more members is split over parts. */
export const BOXES_PER_PART = 256;
const MAX_PARTS = 64;
const KEY_TEXT = /^[A-Za-z0-9_-]{43}$/;
const BOX_TEXT = /^[A-Za-z0-9_-]{64}$/;
const CHAIN_TEXT = /^[A-Za-z0-9_-]{22}$/;

/** Why `key` is not a base64url X25519 public key (32 bytes), or undefined. */
export function boxKeyProblem(key: unknown): string | undefined {
  return typeof key === 'string' && KEY_TEXT.test(key)
    ? undefined
    : 'boxKey is the base64url of a 32-byte X25519 public key';
}

export const keyShareLogic: ResourceLogic<'keyShare'> = {
  onCreate(data, ctx, state) {
    return firstRefusal(
      () =>
        data.sender === ctx.tx.actor && ctx.tx.channel === data.channel
          ? undefined
          : refuse('keyShare.sender', 'a key share is written by its sender, in its channel'),
      () =>
        state.channel(data.channel)?.settings.encrypted === true
          ? undefined
          : refuse('keyShare.channel', 'key shares belong to encrypted channels'),
      () => {
        const role = state.role(data.channel, data.sender);
        return role && role !== 'banned'
          ? undefined
          : refuse('keyShare.member', 'only members of the channel share keys');
      },
      () => {
        const boxes: unknown = data.boxes;
        const ok =
          CHAIN_TEXT.test(data.chain) &&
          Number.isSafeInteger(data.part) &&
          data.part >= 0 &&
          data.part < MAX_PARTS &&
          Array.isArray(boxes) &&
          boxes.length > 0 &&
          boxes.length <= BOXES_PER_PART &&
          boxes.every(
            (b: { to?: unknown; e?: unknown; c?: unknown }) =>
              boxKeyProblem(b.to) === undefined &&
              boxKeyProblem(b.e) === undefined &&
              typeof b.c === 'string' &&
              BOX_TEXT.test(b.c) &&
              Object.keys(b).length === 3,
          ) &&
          new Set(boxes.map((b: { to: string }) => b.to)).size === boxes.length;
        return ok
          ? undefined
          : refuse(
              'keyShare.shape',
              `a key share has a chain id, a part below ${MAX_PARTS} and 1 to ${BOXES_PER_PART} boxes {to, e, c} to distinct keys`,
            );
      },
    );
  },
  onConsume() {
    return refuse('keyShare.consume', 'key shares are never replaced');
  },
};
