/**
 * `multichat matrix-registration`: writes the appservice registration YAML for `bridges.matrix`.
 * Re-running it keeps the tokens of an existing registration at `--out`, so a config change
 * (port, prefix) does not invalidate what the homeserver already loaded.
 */
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { readMatrixConfig } from '../../bridges/matrix/config.js';
import {
  buildRegistration,
  readRegistration,
  registrationYaml,
} from '../../bridges/matrix/registration.js';
import { loadConfig } from '../config/index.js';
import { CommandFailedError, UsageError } from './errors.js';
import type { Command } from './types.js';

export const matrixRegistrationCommand: Command = {
  name: 'matrix-registration',
  summary: 'write the Matrix appservice registration YAML',
  usage: 'matrix-registration --config FILE [--out registration.yaml]',
  help: [
    ['--config FILE', 'gateway config with a bridges.matrix section (else $MULTICHAT_CONFIG)'],
    [
      '--out FILE',
      'where to write the registration (default: stdout); keeps the tokens of an existing file',
    ],
  ],
  options: { config: { type: 'string', short: 'c' }, out: { type: 'string', short: 'o' } },
  positionals: [0, 0],
  async run(args, io) {
    const configPath = typeof args.values.config === 'string' ? args.values.config : undefined;
    const { config } = await loadConfig(configPath, io.env);
    if (!config.bridges?.matrix) {
      throw new UsageError('the config has no bridges.matrix section', 'matrix-registration');
    }
    const matrix = readMatrixConfig(config.bridges.matrix);
    const out = typeof args.values.out === 'string' ? args.values.out : undefined;
    const previous = out && existsSync(out) ? await readRegistration(out) : undefined;
    const text = registrationYaml(buildRegistration(matrix, previous));
    if (!out) {
      io.out(text.trimEnd());
      return 0;
    }
    try {
      await writeFile(out, text, { mode: 0o600 });
    } catch (err) {
      throw new CommandFailedError(`cannot write ${out}: ${(err as Error).message}`, {
        cause: err,
      });
    }
    io.err(
      `registration written to ${out}${previous ? ' (tokens kept)' : ''}; load it in the homeserver (Synapse: app_service_config_files)`,
    );
    if (out !== matrix.registration)
      io.err(`note: bridges.matrix.registration is ${matrix.registration}, not ${out}`);
    return 0;
  },
};
