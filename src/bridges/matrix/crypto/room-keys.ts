/**
 * Encrypting one event for a room, as the Rust crypto wants it done: learn the joined members'
 * devices (a key query for users not tracked yet), open Olm sessions to devices that have none
 * (a one-time key claim), share the room's Megolm key with them (to-device messages), then
 * encrypt. The machine reuses the room's session until it rotates and shares a key with a
 * device only once, so after the first message this costs one members lookup.
 */
import {
  EncryptionSettings,
  RoomId,
  UserId,
  type OlmMachine,
} from '@matrix-org/matrix-sdk-crypto-wasm';
import { callAsDevice, sendRequest, type DeviceCaller, type RequestSender } from './requests.js';

export interface ToEncrypt {
  readonly roomId: string;
  readonly type: string;
  readonly content: Record<string, unknown>;
}

/** The room's joined members, as the bot sees them. */
async function joinedMembers(caller: DeviceCaller, roomId: string): Promise<string[]> {
  const answer = await callAsDevice<{ joined?: Record<string, unknown> }>(
    caller,
    'GET',
    `/_matrix/client/v3/rooms/${encodeURIComponent(roomId)}/joined_members`,
    undefined,
  );
  return Object.keys(answer.joined ?? {});
}

/** The `m.room.encrypted` content for `event`. @throws the homeserver's error (a transient failure) */
export async function shareAndEncrypt(
  machine: OlmMachine,
  sender: RequestSender,
  caller: DeviceCaller,
  event: ToEncrypt,
): Promise<Record<string, unknown>> {
  const members = await joinedMembers(caller, event.roomId);
  // UserId objects are consumed by each call: fresh ones every time.
  const users = (): UserId[] => members.map((m) => new UserId(m));
  await machine.updateTrackedUsers(users());
  await sender.drain();
  const claim = await machine.getMissingSessions(users());
  if (claim) await sendRequest(machine, caller, claim);
  const shares = (await machine.shareRoomKey(
    new RoomId(event.roomId),
    users(),
    new EncryptionSettings(),
  )) as Parameters<typeof sendRequest>[2][];
  for (const share of shares) await sendRequest(machine, caller, share);
  const encrypted = (await machine.encryptRoomEvent(
    new RoomId(event.roomId),
    event.type,
    JSON.stringify(event.content),
  )) as string;
  return JSON.parse(encrypted) as Record<string, unknown>;
}
