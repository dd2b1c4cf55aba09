/**
 * What an appservice transaction carries for the bot's device besides room events, read from
 * the unstable fields Synapse sends when the registration and the homeserver opt in:
 * to-device messages (MSC2409/MSC4203, `de.sorunome.msc2409.to_device`, each with
 * `to_user_id`/`to_device_id`), one-time-key counts and unused fallback key types, and device
 * list changes (MSC3202). Stable names are read too, for homeservers that have them.
 */
type Json = Record<string, unknown>;

export interface DeviceSyncChanges {
  /** To-device events for the bot's device, without the routing fields. */
  readonly toDevice: Json[];
  readonly changed: string[];
  readonly left: string[];
  /** One-time keys left on the server, by algorithm; undefined when the transaction said nothing. */
  readonly oneTimeKeyCounts: Map<string, number> | undefined;
  readonly unusedFallbackKeys: Set<string> | undefined;
}

function obj(value: unknown): Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Json)
    : {};
}

function first(body: Json, keys: readonly string[]): unknown {
  for (const key of keys) if (body[key] !== undefined) return body[key];
  return undefined;
}

function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

/** The part of a transaction `body` meant for `userId`'s device `deviceId`. */
export function deviceSyncChanges(body: Json, userId: string, deviceId: string): DeviceSyncChanges {
  const raw = first(body, ['to_device', 'de.sorunome.msc2409.to_device']);
  const toDevice = (Array.isArray(raw) ? raw : [])
    .map(obj)
    .filter((e) => e['to_user_id'] === userId && e['to_device_id'] === deviceId)
    .map(({ to_user_id: _u, to_device_id: _d, ...event }) => event);
  const lists = obj(first(body, ['device_lists', 'org.matrix.msc3202.device_lists']));
  const counts = obj(
    obj(
      first(body, [
        'device_one_time_keys_count',
        'org.matrix.msc3202.device_one_time_keys_count',
        'org.matrix.msc3202.device_one_time_key_counts',
      ]),
    )[userId],
  )[deviceId];
  const fallback = obj(
    first(body, [
      'device_unused_fallback_key_types',
      'org.matrix.msc3202.device_unused_fallback_key_types',
    ]),
  )[userId];
  const fallbackTypes = obj(fallback)[deviceId];
  return {
    toDevice,
    changed: strings(lists['changed']),
    left: strings(lists['left']),
    oneTimeKeyCounts:
      counts === undefined
        ? undefined
        : new Map(
            Object.entries(obj(counts)).filter(
              (e): e is [string, number] => typeof e[1] === 'number',
            ),
          ),
    unusedFallbackKeys: Array.isArray(fallbackTypes) ? new Set(strings(fallbackTypes)) : undefined,
  };
}

/** True when there is nothing in it for the machine. */
export function isEmpty(changes: DeviceSyncChanges): boolean {
  return (
    changes.toDevice.length === 0 &&
    changes.changed.length === 0 &&
    changes.left.length === 0 &&
    changes.oneTimeKeyCounts === undefined &&
    changes.unusedFallbackKeys === undefined
  );
}
