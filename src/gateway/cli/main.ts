import { parseArgs } from 'node:util';
import { ConfigFileError, ConfigValidationError, MissingEnvVarError } from '../config/index.js';
import { packageVersion } from '../version.js';
import { importCommand } from './commands/import.js';
import { keygenCommand } from './commands/keygen.js';
import { matrixRegistrationCommand } from './matrix-registration.js';
import { linkCommands } from './commands/links.js';
import { deadLettersCommand, outboxCommand } from './commands/outbox.js';
import { pendingCommands } from './commands/pending.js';
import { startCommand } from './commands/start.js';
import { statusCommand } from './commands/status.js';
import { userCommand } from './commands/users.js';
import { configCommand } from './commands/config-check.js';
import { doctorCommand } from './commands/doctor.js';
import { CommandFailedError, NotAvailableError, UsageError } from './errors.js';
import type { CliIo, Command } from './types.js';
import { span } from '../../core/spans.js';

// Every command module is loaded by now (bench/startup.ts shows how long that took).
span('start.main-loaded');

/** Every command, in `--help` order. */
export const commands: readonly Command[] = [
  startCommand,
  statusCommand,
  keygenCommand,
  matrixRegistrationCommand,
  ...linkCommands,
  userCommand,
  configCommand,
  doctorCommand,
  outboxCommand,
  deadLettersCommand,
  ...pendingCommands.filter((c) => !linkCommands.some((l) => l.name === c.name)),
  importCommand,
];

const stdio: CliIo = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
  env: process.env,
};

export function globalHelp(): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  return [
    'Usage: multichat <command> [options]',
    '',
    'Commands:',
    ...commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    'Options:',
    '  -h, --help     show help (also: multichat <command> --help)',
    '  -v, --version  print the version',
    '',
    'Exit codes: 0 clean stop, 1 runtime failure, 2 bad usage or bad config.',
  ].join('\n');
}

export function commandHelp(command: Command): string {
  const width = Math.max(12, ...command.help.map(([flag]) => flag.length));
  return [
    `Usage: multichat ${command.usage}`,
    '',
    command.summary,
    ...(command.help.length
      ? ['', 'Options:', ...command.help.map(([flag, text]) => `  ${flag.padEnd(width)}  ${text}`)]
      : []),
    `  ${'-h, --help'.padEnd(width)}  show this help`,
  ].join('\n');
}

function parse(command: Command, argv: readonly string[]): ReturnType<typeof parseArgs> {
  try {
    return parseArgs({
      args: [...argv],
      options: { ...command.options, help: { type: 'boolean', short: 'h' } },
      allowPositionals: true,
      strict: true,
    });
  } catch (err) {
    throw new UsageError((err as Error).message, command.name);
  }
}

/**
 * Runs the `multichat` command line and returns the exit code: 0 success or clean stop,
 * 1 runtime failure, 2 bad usage or bad config. Never calls process.exit.
 */
export async function main(argv: readonly string[], io: CliIo = stdio): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    const topic = name === 'help' ? commands.find((c) => c.name === rest[0]) : undefined;
    io.out(topic ? commandHelp(topic) : globalHelp());
    return name === undefined ? 2 : 0;
  }
  if (name === '--version' || name === '-v') {
    io.out(packageVersion());
    return 0;
  }
  const command = commands.find((c) => c.name === name);
  try {
    if (!command) throw new UsageError(`unknown command "${name}"`);
    const parsed = parse(command, rest);
    if (parsed.values.help) {
      io.out(commandHelp(command));
      return 0;
    }
    const [min, max] = command.positionals;
    if (parsed.positionals.length < min || parsed.positionals.length > max) {
      throw new UsageError(`wrong number of arguments`, command.name);
    }
    return await command.run(parsed, io);
  } catch (err) {
    return report(err, io);
  }
}

/** Prints an error and picks its exit code. */
function report(err: unknown, io: CliIo): number {
  if (err instanceof UsageError) {
    io.err(`multichat: ${err.message}`);
    const cmd = commands.find((c) => c.name === err.command);
    io.err(cmd ? `usage: multichat ${cmd.usage}` : 'see: multichat --help');
    return 2;
  }
  if (
    err instanceof ConfigValidationError ||
    err instanceof MissingEnvVarError ||
    err instanceof ConfigFileError
  ) {
    io.err(`multichat: bad config: ${err.message}`);
    return 2;
  }
  if (err instanceof NotAvailableError) {
    io.err(`multichat: ${err.message}`);
    return 2;
  }
  if (err instanceof CommandFailedError) {
    io.err(`multichat: ${err.message}`);
    return 1;
  }
  io.err(
    `multichat: unexpected failure: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`,
  );
  return 1;
}
