/** Errors of starting the gateway itself (config and HTTP errors live in their folders). */

/** A data dir entry's mode could not be made private (not our file, read-only mount…). */
export class DataDirModeError extends Error {
  constructor(
    readonly path: string,
    readonly mode: number,
    options?: { cause?: unknown },
  ) {
    super(
      `${path} has mode ${octal(mode)} (readable by other users) and cannot be changed: ` +
        `make it ${octal(0o600)} for files and ${octal(0o700)} for the data dir`,
      options,
    );
    this.name = 'DataDirModeError';
  }
}

/** The data dir path exists but is not a directory. */
export class DataDirNotADirectoryError extends Error {
  constructor(readonly path: string) {
    super(`node.dataDir ${path} exists but is not a directory`);
    this.name = 'DataDirNotADirectoryError';
  }
}

/** `<dataDir>/admin-token` holds a token shorter than the minimum (hand-written?). */
export class AdminTokenTooShortError extends Error {
  constructor(
    readonly path: string,
    readonly minimum: number,
  ) {
    super(
      `${path}: the admin token must be at least ${minimum} characters (delete the file to have a new one generated)`,
    );
    this.name = 'AdminTokenTooShortError';
  }
}

/** `0o644` → `"0644"`. */
export function octal(mode: number): string {
  return `0${(mode & 0o777).toString(8).padStart(3, '0')}`;
}

/** Another running gateway (or import) holds the data dir (`<dataDir>/gateway.pid`). */
export class DataDirLockedError extends Error {
  constructor(
    readonly path: string,
    readonly pid: number,
  ) {
    super(
      `the data dir is in use by process ${pid} (${path}): stop the gateway first ` +
        `(or remove the file if no such process runs)`,
    );
    this.name = 'DataDirLockedError';
  }
}
