/** Bad command line: unknown command or option, missing argument. Exit code 2. */
export class UsageError extends Error {
  constructor(
    message: string,
    /** The command whose usage to show, if any. */
    readonly command?: string,
  ) {
    super(message);
    this.name = 'UsageError';
  }
}

/** A command that is parsed but not built yet. Exit code 2, per the issue that adds it. */
export class NotAvailableError extends Error {
  constructor(readonly command: string) {
    super(`${command}: not available yet (arrives with the bridge runtime)`);
    this.name = 'NotAvailableError';
  }
}

/** A command failed at run time (gateway unreachable, port in use…). Exit code 1. */
export class CommandFailedError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'CommandFailedError';
  }
}

/** Bad input to `multichat import` (an unknown channel, a map naming no exported channel). Exit 2. */
export class ImportInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ImportInputError';
  }
}
