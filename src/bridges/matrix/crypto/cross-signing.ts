/**
 * The bridge bot's own cross-signing identity (master, self-signing and user-signing keys), so
 * people's clients see its device signed by its owner rather than as a bare unknown device.
 * Made once and kept in the crypto store (./store.ts); each start uploads the SAME identity
 * again (`bootstrapCrossSigning(false)` creates only when the store has none), which the
 * homeserver answers 200 without change when it holds it already, and which repairs an upload
 * that failed at the start that made it. Synapse lets an appservice set and replace its users'
 * cross-signing keys without interactive auth (MSC3967 first upload, MSC4190 appservices).
 */
import {
  RequestType,
  type CrossSigningBootstrapRequests,
  type OlmMachine,
} from '@matrix-org/matrix-sdk-crypto-wasm';
import { CrossSigningUploadError } from './errors.js';
import { callAsDevice, sendRequest, type DeviceCaller } from './requests.js';

const V3 = '/_matrix/client/v3';

export interface CrossSigningResult {
  /** True when this start made the identity (first start with this store). */
  readonly created: boolean;
  /** The master key's public part (unpadded base64). */
  readonly masterKey: string;
}

/**
 * Makes (first time) or re-uploads (later) the bot's cross-signing identity and signs its
 * device with the self-signing key. @throws CrossSigningUploadError
 */
export async function ensureCrossSigning(
  machine: OlmMachine,
  caller: DeviceCaller,
): Promise<CrossSigningResult> {
  const created = !(await machine.crossSigningStatus()).hasMaster;
  const requests = (await machine.bootstrapCrossSigning(false)) as CrossSigningBootstrapRequests;
  try {
    // Order as the bindings say: device keys (if not yet up), identity, then signatures.
    if (requests.uploadKeysRequest) await sendRequest(machine, caller, requests.uploadKeysRequest);
    await callAsDevice(
      caller,
      'POST',
      `${V3}/keys/device_signing/upload`,
      JSON.parse(requests.uploadSigningKeysRequest.body),
    );
    const signatures = requests.uploadSignaturesRequest;
    const answer = await callAsDevice(
      caller,
      'POST',
      `${V3}/keys/signatures/upload`,
      JSON.parse(signatures.body),
    );
    const failures = answer['failures'] as Record<string, unknown> | undefined;
    if (failures && Object.keys(failures).length > 0)
      throw new Error(`signatures refused: ${JSON.stringify(failures)}`);
    if (signatures.id)
      await machine.markRequestAsSent(
        signatures.id,
        RequestType.SignatureUpload,
        JSON.stringify(answer),
      );
  } catch (error) {
    throw new CrossSigningUploadError((error as Error).message, { cause: error });
  }
  const upload = JSON.parse(requests.uploadSigningKeysRequest.body) as {
    master_key?: { keys?: Record<string, string> };
  };
  const masterKey = Object.values(upload.master_key?.keys ?? {})[0] ?? '';
  return { created, masterKey };
}
