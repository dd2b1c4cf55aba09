import type { Command } from '../types.js';

/**
 * `doctor`: checks the config, the data dir and stores (read-only), the P2P listen addresses and
 * each configured network's credentials, and says what to fix. Exit 1 when anything failed.
 */
export const doctorCommand: Command = {
  name: 'doctor',
  summary: 'check config, store, P2P listeners and network credentials; say what to fix',
  usage: 'doctor [--config FILE]',
  help: [
    ['--config FILE', 'the config to check (default: $MULTICHAT_CONFIG, else the embedded one)'],
  ],
  options: { config: { type: 'string', short: 'c' } },
  positionals: [0, 0],
  async run(args, io) {
    const file =
      typeof args.values.config === 'string'
        ? args.values.config
        : io.env.MULTICHAT_CONFIG || undefined;
    // Imported here, not at the top: every `multichat start` loads this module, and the checks
    // pull in the PostgreSQL client and each network's config.
    const { renderDoctor, runDoctor } = await import('../../doctor/index.js');
    const results = await runDoctor(file, io.env);
    for (const line of renderDoctor(results)) io.out(line);
    const failed = results.filter((r) => r.status === 'fail').length;
    io.out(failed === 0 ? 'all checks passed' : `${failed} check${failed === 1 ? '' : 's'} failed`);
    return failed === 0 ? 0 : 1;
  },
};
