/**
 * One `m.room.encrypted` event opened by the Olm machine (./engine.ts), in the shape the inbound
 * path reads: the envelope's ids and times with the plaintext's type and content.
 */
import {
  DecryptionSettings,
  RoomId,
  TrustRequirement,
  type OlmMachine,
} from '@matrix-org/matrix-sdk-crypto-wasm';
import type { RawEvent } from '../host.js';

/** The decrypted form of `event`, or undefined when the machine cannot open it (no key yet). */
export async function decryptEvent(
  machine: OlmMachine,
  event: RawEvent,
): Promise<RawEvent | undefined> {
  try {
    const result = await machine.decryptRoomEvent(
      JSON.stringify(event),
      new RoomId(String(event.room_id)),
      new DecryptionSettings(TrustRequirement.Untrusted),
    );
    const clear = JSON.parse(result.event) as Record<string, unknown>;
    const content = { ...(clear['content'] as Record<string, unknown> | undefined) };
    // Relations (edits, replies, reactions) ride outside the ciphertext, so the server can
    // aggregate them: put them back where the inbound path reads them.
    const relation = (event['content'] as Record<string, unknown> | undefined)?.['m.relates_to'];
    if (relation !== undefined && content['m.relates_to'] === undefined)
      content['m.relates_to'] = relation;
    // The envelope's ids and times, the plaintext's type and content.
    return { ...event, type: String(clear['type']), content };
  } catch {
    return undefined;
  }
}
