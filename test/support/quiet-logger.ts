/** The adapter logger of tests that do not look at logs: every level is dropped. */
import type { AdapterLogger } from '../../src/bridges/types.js';

export const quietLogger: AdapterLogger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};
