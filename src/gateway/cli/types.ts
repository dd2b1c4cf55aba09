import type { ParseArgsConfig } from 'node:util';

/** Where a command writes; the real CLI passes stdout/stderr, tests pass collectors. */
export interface CliIo {
  out(line: string): void;
  err(line: string): void;
  readonly env: Readonly<Record<string, string | undefined>>;
}

export type OptionSpec = NonNullable<ParseArgsConfig['options']>;

/** Parsed arguments of one command. */
export interface CommandArgs {
  readonly values: Readonly<Record<string, string | boolean | (string | boolean)[] | undefined>>;
  readonly positionals: readonly string[];
}

/** One `multichat <name>` command. `run` returns the exit code (0, 1 or 2). */
export interface Command {
  readonly name: string;
  readonly summary: string;
  /** Usage lines after `multichat `, e.g. `start [--config FILE]`. */
  readonly usage: string;
  /** Option descriptions for `--help`, `[flag, text]`. */
  readonly help: readonly (readonly [string, string])[];
  readonly options: OptionSpec;
  /** Positional arguments allowed: [min, max]. */
  readonly positionals: readonly [number, number];
  run(args: CommandArgs, io: CliIo): Promise<number>;
}
