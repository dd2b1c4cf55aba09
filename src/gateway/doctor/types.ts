/** One line of `multichat doctor`: what was checked, how it went, and what to do about it. */
export interface CheckResult {
  readonly name: string;
  /** `warn` is printed but does not fail the run. */
  readonly status: 'ok' | 'warn' | 'fail';
  readonly detail: string;
  /** What the operator should change, for warn and fail. */
  readonly fix?: string;
}

/** How long one network check may take before it counts as unreachable. */
export const CHECK_TIMEOUT_MS = 8_000;

export const ok = (name: string, detail: string): CheckResult => ({ name, status: 'ok', detail });
export const fail = (name: string, detail: string, fix: string): CheckResult => ({
  name,
  status: 'fail',
  detail,
  fix,
});
export const warn = (name: string, detail: string, fix: string): CheckResult => ({
  name,
  status: 'warn',
  detail,
  fix,
});

/** The reason of a failed fetch, without the stack: the cause's code when there is one. */
export function reasonOf(err: unknown): string {
  if (err instanceof Error && err.name === 'TimeoutError') return 'no answer in time';
  const cause = (err as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? (err as Error).message;
}
