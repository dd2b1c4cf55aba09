import type { ChildProcess } from 'node:child_process';

/**
 * Stops a peer process: SIGTERM, then SIGKILL after `graceMs`. Resolves with its exit code once
 * it is gone (at once when it already is).
 */
export async function terminate(
  proc: ChildProcess | undefined,
  graceMs: number,
): Promise<number | null> {
  if (!proc) return null;
  if (proc.exitCode !== null || proc.signalCode !== null) return proc.exitCode;
  const exited = new Promise<number | null>((resolve) =>
    proc.once('exit', (code) => resolve(code)),
  );
  proc.kill('SIGTERM');
  const timer = setTimeout(() => proc.kill('SIGKILL'), graceMs);
  const code = await exited;
  clearTimeout(timer);
  return code;
}
