/** The bridge runtime: router, delivery worker and link manager (see router.ts). */
export { createBridgeRuntime, type BridgeRuntime, type BridgeRuntimeDeps } from './router.js';
export {
  LinkManager,
  linkRequestsFromConfig,
  GATEWAY_ORIGIN,
  type LinkRequest,
  type LinkView,
} from './links.js';
export type { MediaLinks, RuntimeOptions } from './context.js';
export { AccountLinks, type ProfileIdentity } from './accounts.js';
export * from './account-errors.js';
export type { MediaFailureCount } from './media-stats.js';
export type { TypingListener, TypingNotice } from './typing.js';
export type { DeliveryListener, DeliverySettled } from './delivery-events.js';
export { backoffDelay, defaultBackoff, type BackoffOptions } from './backoff.js';
export { RateLimiter } from './rate-limiter.js';
