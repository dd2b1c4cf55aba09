/**
 * The one gate a link target passes before it is resolved or stored: the network's own target
 * schema (`BridgeAdapter.targetSchema`, data declared in `src/bridges/<network>/target.ts`).
 * Failures are `InvalidLinkTargetError`s naming the field (`target.channel: …`), which the HTTP
 * API answers with 400 and the CLI and in-network commands print.
 */
import { z } from 'zod';
import { DeliveryError, InvalidLinkError, InvalidLinkTargetError } from '../errors.js';
import type { BridgeAdapter, LinkTarget, TargetSchema } from '../types.js';
import { supportsTargetResolution } from './guards.js';

/** For adapters that declare no schema (test fakes): at least one field, all non-empty text. */
const anyTarget: TargetSchema = z
  .record(z.string(), z.string().min(1, 'must be a non-empty string'))
  .refine((target) => Object.keys(target).length > 0, 'needs at least one field');

/** @throws InvalidLinkTargetError */
export function checkTarget(adapter: BridgeAdapter, raw: unknown): LinkTarget {
  const parsed = (adapter.targetSchema ?? anyTarget).safeParse(raw);
  if (!parsed.success) throw InvalidLinkTargetError.of(parsed.error.issues);
  return parsed.data;
}

/**
 * Checks `raw`, then lets the adapter resolve it (an alias to a room id, a name to a channel
 * id; the bot joins). A target the network says does not exist or cannot be used (a permanent
 * DeliveryError) is the caller's mistake: `InvalidLinkError` on `target` with the network's
 * reason. A transient failure (the network is down) is thrown as it is.
 * @throws InvalidLinkTargetError, InvalidLinkError, DeliveryError
 */
export async function canonicalTarget(adapter: BridgeAdapter, raw: unknown): Promise<LinkTarget> {
  const target = checkTarget(adapter, raw);
  if (!supportsTargetResolution(adapter)) return target;
  try {
    return await adapter.resolveTarget(target);
  } catch (error) {
    if (error instanceof DeliveryError && error.permanent)
      throw new InvalidLinkError('target', `target: ${error.message}`);
    throw error;
  }
}
