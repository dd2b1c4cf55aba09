/** The problems a refused config names, for tests of the config schema. */
import { ConfigValidationError, parseConfig } from '../../src/gateway/config/index.js';

/** Runs `load`, which must refuse the config, and returns the problems it named. */
export function problemsOf(load: () => unknown): string[] {
  try {
    load();
  } catch (error) {
    if (error instanceof ConfigValidationError) return [...error.problems];
    throw error;
  }
  throw new Error('expected the config to be refused');
}

/** The problems `parseConfig(raw, {})` names; throws when it accepts the config. */
export function configProblems(raw: unknown): string[] {
  return problemsOf(() => parseConfig(raw, {}));
}
