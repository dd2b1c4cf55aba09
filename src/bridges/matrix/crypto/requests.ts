/**
 * Sends what the crypto machine asks for (key uploads, queries and claims, to-device messages,
 * signature uploads) to the homeserver as the bridge bot's device, and hands each answer back
 * with `markRequestAsSent`. The appservice token acts as the bot (`user_id`) and its device
 * (`device_id`, MSC3202 device masquerading), so the bot needs no access token of its own.
 * One drain at a time: the machine hands out the same requests until they are marked sent.
 */
import type { RequestType } from '@matrix-org/matrix-sdk-crypto-wasm';
import {
  KeysClaimRequest,
  KeysQueryRequest,
  KeysUploadRequest,
  RoomMessageRequest,
  SignatureUploadRequest,
  ToDeviceRequest,
  type OlmMachine,
} from '@matrix-org/matrix-sdk-crypto-wasm';
import type { MatrixApi } from '../api.js';

type Outgoing = Awaited<ReturnType<OlmMachine['outgoingRequests']>>[number];

const V3 = '/_matrix/client/v3';
const enc = encodeURIComponent;

export interface DeviceCaller {
  readonly api: MatrixApi;
  readonly userId: string;
  readonly deviceId: string;
}

/** One call as the bot's device. */
export function callAsDevice<T = Record<string, unknown>>(
  caller: DeviceCaller,
  method: string,
  path: string,
  body: unknown,
): Promise<T> {
  return caller.api.request<T>(method, path, {
    body,
    asUser: caller.userId,
    query: { device_id: caller.deviceId },
  });
}

/** Where a request goes; undefined for kinds the bridge does not use (key backup). */
function route(request: Outgoing): { method: string; path: string } | undefined {
  if (request instanceof KeysUploadRequest) return { method: 'POST', path: `${V3}/keys/upload` };
  if (request instanceof KeysQueryRequest) return { method: 'POST', path: `${V3}/keys/query` };
  if (request instanceof KeysClaimRequest) return { method: 'POST', path: `${V3}/keys/claim` };
  if (request instanceof SignatureUploadRequest)
    return { method: 'POST', path: `${V3}/keys/signatures/upload` };
  if (request instanceof ToDeviceRequest)
    return {
      method: 'PUT',
      path: `${V3}/sendToDevice/${enc(request.event_type)}/${enc(request.txn_id)}`,
    };
  if (request instanceof RoomMessageRequest)
    return {
      method: 'PUT',
      path: `${V3}/rooms/${enc(request.room_id)}/send/${enc(request.event_type)}/${enc(request.txn_id)}`,
    };
  return undefined;
}

/** Sends one request and marks it sent. @throws the homeserver's error (the caller retries later) */
export async function sendRequest(
  machine: OlmMachine,
  caller: DeviceCaller,
  request: Outgoing,
): Promise<void> {
  const where = route(request);
  if (!where) return;
  const answer = await callAsDevice(caller, where.method, where.path, JSON.parse(request.body));
  // Typed wrongly in the bindings' hand-written part: `type` is the RequestType of the request.
  await machine.markRequestAsSent(
    request.id ?? '',
    request.type as RequestType,
    JSON.stringify(answer),
  );
}

/** Sends everything the machine has queued, one drain at a time. */
export class RequestSender {
  private running: Promise<void> | undefined;
  private again = false;

  constructor(
    private readonly machine: OlmMachine,
    private readonly caller: DeviceCaller,
    private readonly failed: (error: Error) => void,
  ) {}

  /** Resolves once the queue was empty at least once after this call. */
  drain(): Promise<void> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = this.loop().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  private async loop(): Promise<void> {
    do {
      this.again = false;
      for (const request of await this.machine.outgoingRequests()) {
        try {
          await sendRequest(this.machine, this.caller, request);
        } catch (error) {
          // Left unmarked, the machine hands it out again on the next drain.
          this.failed(error as Error);
        }
      }
    } while (this.again);
  }
}
