/** Errors of config loading: each names the key path so an operator can find the bad line. */

/** The config file could not be read or is not valid YAML. */
export class ConfigFileError extends Error {
  constructor(
    readonly file: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(`${file}: ${message}`, options);
    this.name = 'ConfigFileError';
  }
}

/** A `${VAR}` in the config names an environment variable that is not set. */
export class MissingEnvVarError extends Error {
  constructor(
    readonly key: string,
    readonly variable: string,
  ) {
    super(`${key}: environment variable ${variable} is not set`);
    this.name = 'MissingEnvVarError';
  }
}

/** The config does not match the schema; `problems` holds one readable line per issue. */
export class ConfigValidationError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`invalid config:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigValidationError';
  }
}
