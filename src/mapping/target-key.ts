import { InvalidTargetError } from './errors.js';
import type { LinkTarget, NetworkName, TargetKey } from './types.js';

/**
 * The stable key of a link target: `network?k1=v1&k2=v2` with keys sorted and both sides
 * percent-encoded, e.g. `irc?channel=%23proj&network=libera`. Sorting makes
 * `{network, channel}` and `{channel, network}` the same target; encoding keeps `&`/`=` inside
 * values from colliding. Throws InvalidTargetError for an empty target or non-string values.
 */
export function targetKeyOf(network: NetworkName, target: LinkTarget): TargetKey {
  if (network.length === 0) throw new InvalidTargetError('network must be a non-empty string');
  const keys = Object.keys(target).sort();
  if (keys.length === 0) throw new InvalidTargetError(`target for ${network} has no fields`);
  const parts = keys.map((k) => {
    const v: unknown = target[k];
    if (typeof v !== 'string' || v.length === 0) {
      throw new InvalidTargetError(`target field "${k}" for ${network} must be a non-empty string`);
    }
    return `${encodeURIComponent(k)}=${encodeURIComponent(v)}`;
  });
  return `${encodeURIComponent(network)}?${parts.join('&')}` as TargetKey;
}
