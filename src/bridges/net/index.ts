/**
 * The URL-fetch module: the only way the gateway fetches a URL that someone else wrote (bridged
 * avatars and attachments today, media and imports next). See `fetch.ts` for what it guarantees
 * and docs/matrix.md ("What the bridge fetches") for the operator's view.
 */
export { UrlFetcher, type FetchOptions, type FetchedFile, type OpenedFile } from './fetch.js';
export {
  AddressPolicy,
  DEFAULT_FETCH_POLICY,
  type FetchPolicy,
  type FetchPolicyOptions,
} from './policy.js';
export { blockedAddress, blockedRange } from './ranges.js';
export { parseIp, formatIp, type IpAddress } from './ip.js';
export { systemResolver, type CheckedUrl, type ResolvedAddress, type Resolver } from './resolve.js';
export * from './errors.js';
