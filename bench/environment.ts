/** What every benchmark reports about the machine it ran on. */
import { cpus, totalmem } from 'node:os';

export function environment() {
  return {
    node: process.version,
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model ?? 'unknown',
    memoryGiB: Math.round(totalmem() / 2 ** 30),
  };
}
