import { checkConfigFile } from '../../config/check.js';
import { UsageError } from '../errors.js';
import type { Command } from '../types.js';

/**
 * `config check FILE`: validates a config without starting anything and prints every problem
 * (all missing environment variables, all schema issues) at once. Exit 0 when clean, else 2.
 */
export const configCommand: Command = {
  name: 'config',
  summary: 'config check FILE: list every problem of a config file at once (exit 2 if any)',
  usage: 'config check FILE',
  help: [['check FILE', 'validate FILE with the current environment; print all problems']],
  options: {},
  positionals: [2, 2],
  async run(args, io) {
    const [action, file] = args.positionals as [string, string];
    if (action !== 'check') throw new UsageError(`unknown action "${action}" (check)`, 'config');
    const { problems } = await checkConfigFile(file, io.env);
    if (problems.length === 0) {
      io.out(`${file}: ok`);
      return 0;
    }
    io.err(`${file}: ${problems.length} problem${problems.length === 1 ? '' : 's'}:`);
    for (const p of problems) io.err(`  - ${p}`);
    return 2;
  },
};
