/**
 * The bridge bot's crypto device as the engine (./engine.ts) starts it: the WebAssembly crypto
 * loaded, the Olm machine opened on the store file's data (./store.ts), and the device made on
 * the homeserver, then (its keys uploaded) its cross-signing identity. Apart from the engine
 * because none of it is needed once the machine runs.
 */
import {
  DeviceId,
  initAsync,
  LoggerLevel,
  OlmMachine,
  StoreHandle,
  Tracing,
  UserId,
} from '@matrix-org/matrix-sdk-crypto-wasm';
import type { AdapterLogger } from '../../types.js';
import type { MatrixApi } from '../api.js';
import { ensureCrossSigning } from './cross-signing.js';
import { CryptoDeviceError } from './errors.js';
import type { DeviceCaller } from './requests.js';
import { CryptoStore } from './store.js';

export interface OpenedDevice {
  readonly machine: OlmMachine;
  readonly store: CryptoStore;
  /** Calls to the homeserver as the bot's device. */
  readonly caller: DeviceCaller;
}

/**
 * Opens the store and the machine, and makes sure the bot's device exists on the homeserver.
 * @throws CryptoStoreFileError, CryptoDeviceError
 */
export async function openDevice(options: {
  readonly api: MatrixApi;
  readonly botUserId: string;
  readonly storePath: string;
}): Promise<OpenedDevice> {
  await initAsync();
  // The crypto's own tracing writes debug lines to the console, into the gateway's JSON log.
  if (Tracing.isAvailable()) new Tracing(LoggerLevel.Warn).turnOn();
  const store = await CryptoStore.open(options.storePath);
  store.install();
  const handle = await StoreHandle.openWithKey(store.name, store.key);
  const machine = (await OlmMachine.initFromStore(
    new UserId(options.botUserId),
    new DeviceId(store.deviceId),
    handle,
  )) as OlmMachine;
  const caller = { api: options.api, userId: options.botUserId, deviceId: store.deviceId };
  try {
    // MSC4190: an appservice creates its users' devices (200 when it exists already).
    await options.api.request('PUT', `/_matrix/client/v3/devices/${store.deviceId}`, {
      body: { display_name: 'Multichat bridge' },
      asUser: options.botUserId,
    });
  } catch (error) {
    machine.close();
    // Kept so a retried start (homeserver down) opens the same device with the same key:
    // the in-memory IndexedDB already holds this machine's data, pickled with that key.
    await store.save();
    throw new CryptoDeviceError((error as Error).message, { cause: error });
  }
  // Ask the sender's other devices for a room key that did not come (m.room_key_request,
  // sent by the machine when a decryption misses its key); docs/matrix.md says who answers.
  machine.roomKeyRequestsEnabled = true;
  return { machine, store, caller };
}

/** Once the device's keys are uploaded: its cross-signing identity, the store saved, a log line. */
export async function deviceReady(
  { machine, store, caller }: OpenedDevice,
  logger: AdapterLogger,
): Promise<void> {
  const identity = await ensureCrossSigning(machine, caller).catch((error: Error) => {
    // Not fatal: messages still go both ways; the next start uploads the same identity.
    logger.warn({ err: error.message }, 'matrix crypto: cross-signing not set up');
    return undefined;
  });
  await store.save();
  logger.info(
    {
      deviceId: store.deviceId,
      fresh: store.fresh,
      ...(identity && { masterKey: identity.masterKey, identityCreated: identity.created }),
    },
    'matrix crypto: bridge bot device ready',
  );
}
