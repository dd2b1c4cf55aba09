import { adminHelp, adminOptions, adminRequest } from '../admin-client.js';
import type { Command } from '../types.js';

/** `status`: asks the running gateway for GET /api/v1/status with the admin token. */
export const statusCommand: Command = {
  name: 'status',
  summary: "print the running gateway's status (address, peers, channels, bridges)",
  usage: 'status [--config FILE] [--url URL] [--token TOKEN]',
  help: adminHelp,
  options: adminOptions,
  positionals: [0, 0],
  async run(args, io) {
    io.out(JSON.stringify(await adminRequest(args, io, 'GET', '/status'), null, 2));
    return 0;
  },
};
