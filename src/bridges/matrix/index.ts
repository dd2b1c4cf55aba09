/**
 * The Matrix bridge module (`src/bridges/registry.ts` loads it lazily): the gateway as a Matrix
 * application service. See docs/matrix.md for setup.
 */
import type { AdapterBuilder, AdapterComponents, BridgeModule, NetworkName } from '../types.js';
import { MatrixAdapter } from './adapter.js';
import { readMatrixConfig } from './config.js';
import { verifyRegistrationSync } from './registration.js';
import { matrixTargetSchema } from './target.js';

export { MatrixAdapter, matrixCapabilities } from './adapter.js';
export { readMatrixConfig, appserviceUrl, type MatrixAdapterConfig } from './config.js';
export { MatrixConfigError, RegistrationFileError, RegistrationMismatchError } from './errors.js';
export {
  buildRegistration,
  compareRegistration,
  parseRegistration,
  readRegistration,
  registrationYaml,
  verifyRegistration,
  verifyRegistrationSync,
  type Registration,
} from './registration.js';
export type { MatrixLinkControl, LinkInfo } from './admin.js';
export type { Role, RoleChangeEvent } from './power-levels.js';
export { ghostUserId, portalAlias } from './ids.js';
export { matrixTarget, type MatrixTarget } from './target.js';

/** `{room}`: a room id (`!id:server`) or alias (`#name:server`). */
export const targetSchema = matrixTargetSchema;

/**
 * Builds the adapter for `bridges.matrix`. Deviation from the contract's "no I/O": it reads the
 * registration file once and compares it with the config, so the gateway refuses to start on a
 * mismatch (saying which field) instead of running a bridge the homeserver will not talk to.
 * @throws MatrixConfigError, RegistrationFileError, RegistrationMismatchError
 */
export function createAdapter(config: unknown, name: NetworkName): AdapterBuilder {
  const parsed = readMatrixConfig(config);
  verifyRegistrationSync(parsed);
  return Object.assign(
    (components: AdapterComponents) => new MatrixAdapter(name, parsed, components),
    { network: name },
  );
}

export default { createAdapter, targetSchema } satisfies BridgeModule;
