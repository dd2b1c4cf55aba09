/** Errors of the formatting module. Parsers and renderers never throw; these are for misuse. */

export abstract class FormatError extends Error {
  abstract readonly code: string;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** A split limit too small to hold any character (bytes below 4, characters below 2). */
export class SplitLimitError extends FormatError {
  readonly code = 'split_limit';
  constructor(
    readonly limit: number,
    readonly unit: string,
  ) {
    super(
      `split limit ${limit} ${unit} is too small: use at least ${unit === 'bytes' ? 4 : 2} so a whole character fits`,
    );
  }
}

/** A markup name that is not one of the converters. */
export class UnknownMarkupError extends FormatError {
  readonly code = 'unknown_markup';
  constructor(readonly markup: string) {
    super(`unknown markup "${markup}": expected markdown, matrix-html, discord, slack or irc`);
  }
}
