/**
 * `user add NAME`, `user list`, `user token NAME [--revoke]`: native users and their API tokens,
 * through the running gateway's admin API. A token is printed once: the node keeps only its hash.
 */
import { adminHelp, adminOptions, adminRequest } from '../admin-client.js';
import { UsageError } from '../errors.js';
import type { CliIo, Command, CommandArgs } from '../types.js';

interface UserJson {
  id: string;
  username: string;
}
interface TokenJson extends UserJson {
  token: string;
}

const path = (name: string): string => `/users/${encodeURIComponent(name)}/token`;

async function listAll(args: CommandArgs, io: CliIo): Promise<UserJson[]> {
  const users: UserJson[] = [];
  let after: string | undefined;
  do {
    const query = `?limit=500${after ? `&after=${encodeURIComponent(after)}` : ''}`;
    const page = (await adminRequest(args, io, 'GET', `/users${query}`)) as {
      users: UserJson[];
      next?: string;
    };
    users.push(...page.users);
    after = page.next;
  } while (after !== undefined);
  return users;
}

export const userCommand: Command = {
  name: 'user',
  summary: 'manage native users: user add NAME | user list | user token NAME [--revoke]',
  usage:
    'user add NAME | user list | user token NAME [--revoke] [--config FILE] [--url URL] [--token TOKEN]',
  help: [
    ['add NAME', 'create a user; prints its id and its API token (shown once)'],
    ['list', 'list the native users of this node (id, username)'],
    ['token NAME', 'issue a new token for a user (id or name); the old one stops working'],
    ['--revoke', 'with token: revoke every token of the user, issue none'],
    ...adminHelp,
  ],
  options: { ...adminOptions, revoke: { type: 'boolean' } },
  positionals: [1, 2],
  async run(args, io) {
    const [action, name] = args.positionals as [string, string | undefined];
    const needName = action === 'add' || action === 'token';
    if (!['add', 'list', 'token'].includes(action)) {
      throw new UsageError(`unknown action "${action}" (add, list or token)`, 'user');
    }
    if (needName !== (name !== undefined)) {
      throw new UsageError(
        needName ? `user ${action} needs a NAME` : 'user list takes no NAME',
        'user',
      );
    }
    if (args.values.revoke === true && action !== 'token') {
      throw new UsageError('--revoke goes with user token NAME', 'user');
    }
    if (action === 'list') {
      const users = await listAll(args, io);
      for (const u of users) io.out(`${u.id}  ${u.username}`);
      if (users.length === 0) io.out('no users');
      return 0;
    }
    if (action === 'add') {
      const made = (await adminRequest(args, io, 'POST', '/users', {
        username: name,
      })) as TokenJson;
      io.out(`${made.id}  ${made.username}`);
      io.out(`token: ${made.token}`);
      return 0;
    }
    if (args.values.revoke === true) {
      await adminRequest(args, io, 'DELETE', path(name as string));
      io.out(`revoked every token of ${name as string}`);
      return 0;
    }
    const issued = (await adminRequest(args, io, 'POST', path(name as string))) as TokenJson;
    io.out(`${issued.id}  ${issued.username}`);
    io.out(`token: ${issued.token}`);
    return 0;
  },
};
