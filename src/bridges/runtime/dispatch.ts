/**
 * Calls the adapter method for an outbound action. The only place that maps action kinds to the
 * optional interfaces, so the rest of the router never asks what an adapter is.
 */
import { DeliveryError } from '../errors.js';
import type { BridgeAdapter, DeliveryResult, OutboundAction } from '../types.js';
import {
  supportsDeletes,
  supportsEdits,
  supportsMembership,
  supportsReactions,
  supportsRoles,
  supportsTopic,
} from './guards.js';

/** True when the adapter can carry actions of this kind at all (else they are not queued). */
export function canCarry(adapter: BridgeAdapter, kind: OutboundAction['kind']): boolean {
  switch (kind) {
    case 'send':
      return true;
    case 'edit':
      return supportsEdits(adapter);
    case 'delete':
      return supportsDeletes(adapter);
    case 'react':
    case 'unreact':
      return supportsReactions(adapter);
    case 'join':
    case 'leave':
      return supportsMembership(adapter);
    case 'role':
      return supportsRoles(adapter);
    case 'topic':
      return supportsTopic(adapter);
  }
}

/** Performs `action` with the adapter. Throws DeliveryError (permanent) when it cannot. */
export function dispatch(adapter: BridgeAdapter, action: OutboundAction): Promise<DeliveryResult> {
  switch (action.kind) {
    case 'send':
      return adapter.send(action);
    case 'edit':
      if (supportsEdits(adapter)) return adapter.edit(action);
      break;
    case 'delete':
      if (supportsDeletes(adapter)) return adapter.delete(action);
      break;
    case 'react':
    case 'unreact':
      if (supportsReactions(adapter)) return adapter.react(action);
      break;
    case 'join':
    case 'leave':
      if (supportsMembership(adapter)) return adapter.membership(action);
      break;
    case 'role':
      if (supportsRoles(adapter)) return adapter.setRole(action);
      break;
    case 'topic':
      if (supportsTopic(adapter)) return adapter.setTopic(action);
      break;
  }
  return Promise.reject(
    new DeliveryError(`${adapter.name} cannot carry ${action.kind} actions`, { permanent: true }),
  );
}
