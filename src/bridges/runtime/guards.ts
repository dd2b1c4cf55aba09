/**
 * Run-time detection of the optional adapter interfaces (bridgev2's `EditHandlingNetworkAPI`
 * style). A guard needs both the declared capability and the method, so an adapter that
 * declares `edits: true` without implementing `edit` is treated as unable, not crashed on.
 */
import type {
  BackfillAdapter,
  BridgeAdapter,
  DeletingAdapter,
  EditingAdapter,
  MembershipAdapter,
  PresenceAdapter,
  ReactingAdapter,
  RoleAdapter,
  TargetResolvingAdapter,
  TopicAdapter,
  TypingAdapter,
} from '../types.js';

function has(adapter: BridgeAdapter, method: string): boolean {
  return typeof (adapter as unknown as Record<string, unknown>)[method] === 'function';
}

export function supportsEdits(a: BridgeAdapter): a is EditingAdapter {
  return a.capabilities.edits && has(a, 'edit');
}

export function supportsDeletes(a: BridgeAdapter): a is DeletingAdapter {
  return a.capabilities.deletes && has(a, 'delete');
}

export function supportsReactions(a: BridgeAdapter): a is ReactingAdapter {
  return a.capabilities.reactions && has(a, 'react');
}

export function supportsMembership(a: BridgeAdapter): a is MembershipAdapter {
  return a.capabilities.membership && has(a, 'membership');
}

export function supportsRoles(a: BridgeAdapter): a is RoleAdapter {
  return a.capabilities.roles === true && has(a, 'setRole');
}

export function supportsTopic(a: BridgeAdapter): a is TopicAdapter {
  return a.capabilities.topic === true && has(a, 'setTopic');
}

export function supportsPresence(a: BridgeAdapter): a is PresenceAdapter {
  return a.capabilities.presence && has(a, 'setPresence');
}

export function supportsTyping(a: BridgeAdapter): a is TypingAdapter {
  return a.capabilities.typing === true && has(a, 'setTyping');
}

export function supportsBackfill(a: BridgeAdapter): a is BackfillAdapter {
  return has(a, 'backfill');
}

export function supportsTargetResolution(a: BridgeAdapter): a is TargetResolvingAdapter {
  return has(a, 'resolveTarget');
}
