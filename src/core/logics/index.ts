/**
 * A transaction is valid only if the signer may act for its actor and the logic of every
 * consumed and every created resource accepts it (DESIGN §3).
 */
import { resourceIdOf } from '../resources.js';
import type { ResourceId, ResourceKind } from '../types.js';
import { channelAccessLogic } from './access.js';
import { maySignFor, profileSigner } from './authority.js';
import { channelLogic } from './channel.js';
import { editLogic, messageLogic, reactionLogic, redactionLogic } from './message.js';
import { permissionsLogic, presenceLogic } from './permissions.js';
import { userProfileLogic } from './profile.js';
import { keyShareLogic } from '../e2ee/key-share-logic.js';
import {
  refuse,
  type ResourceLogic,
  type StateView,
  type TxContext,
  type Verdict,
} from './types.js';

const logics: { [K in ResourceKind]: ResourceLogic<K> } = {
  userProfile: userProfileLogic,
  channel: channelLogic,
  channelAccess: channelAccessLogic,
  permissions: permissionsLogic,
  message: messageLogic,
  edit: editLogic,
  redaction: redactionLogic,
  reaction: reactionLogic,
  presence: presenceLogic,
  keyShare: keyShareLogic,
};

function signerMayAct(ctx: TxContext, state: StateView): boolean {
  if (maySignFor(ctx.author, ctx.tx.actor, state)) return true;
  // The transaction that creates a bridged user's first profile establishes its controller.
  return (
    state.profile(ctx.tx.actor) === undefined &&
    ctx.tx.creates.some(
      (r) =>
        r.kind === 'userProfile' &&
        r.data.userId === ctx.tx.actor &&
        profileSigner(r.data) === ctx.author,
    )
  );
}

/**
 * Resources are immutable and addressed by the hash of their data, so creating one whose id
 * already exists (live or consumed) could only be ignored: the store would keep the old row and
 * the transaction would succeed while changing nothing. Refusing it makes such an entry visible.
 * Each kind names the user it belongs to (sender, user, grantedBy, userId…), and that user has
 * one signer writing one log, so equal bytes arrive in one order and every replica decides
 * alike. The exception is a replacement `channel` resource, which any admin may write (no intent
 * makes one yet): see "Resources" in docs/protocol.md.
 */
function duplicateCreation(ctx: TxContext, state: StateView): Verdict {
  const { creates } = ctx.tx;
  // Most transactions create one resource: no set for them.
  const seen = creates.length > 1 ? new Set<ResourceId>() : undefined;
  for (const resource of creates) {
    const id = resourceIdOf(resource);
    if (seen?.has(id)) {
      return refuse('resource.duplicate', `the transaction creates resource ${id} twice`);
    }
    seen?.add(id);
    if (state.exists(id, resource.kind)) {
      return refuse(
        'resource.exists',
        `${resource.kind} resource ${id} already exists; creating the same value again needs a new nonce`,
      );
    }
  }
  return undefined;
}

export function checkTransaction(ctx: TxContext, state: StateView): Verdict {
  if (!signerMayAct(ctx, state)) {
    return refuse('tx.signer', 'the signer may not act for this user');
  }
  if (ctx.tx.consumes.length === 0 && ctx.tx.creates.length === 0) {
    return refuse('tx.empty', 'a transaction must consume or create something');
  }
  const duplicate = duplicateCreation(ctx, state);
  if (duplicate) return duplicate;
  // Created resources first: their refusals name the more specific rule (a grant, not a removal).
  for (const resource of ctx.tx.creates) {
    const logic = logics[resource.kind] as ResourceLogic<ResourceKind>;
    const verdict = logic.onCreate(resource.data as never, ctx, state);
    if (verdict) return verdict;
  }
  for (const { resource } of ctx.consumed) {
    const logic = logics[resource.kind] as ResourceLogic<ResourceKind>;
    const verdict = logic.onConsume(resource.data as never, ctx, state);
    if (verdict) return verdict;
  }
  return undefined;
}

export type { StateView, TxContext, Verdict, Refusal } from './types.js';
export { bridgedUserId } from './authority.js';
