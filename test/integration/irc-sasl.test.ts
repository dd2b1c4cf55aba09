/**
 * SASL PLAIN for the IRC bot (issue 21). ngircd has no SASL, so a few lines of a server that
 * speaks CAP and AUTHENTICATE stand in for one here. The right account logs in and the bot
 * joins; a refused login (904) disconnects and is a permanent, named failure: the bot never
 * registers and joins unauthenticated, and it does not reconnect to be refused again.
 */
import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createAdapter } from '../../src/bridges/irc/index.js';
import type { AdapterComponents, AdapterHealth, NetworkName } from '../../src/bridges/types.js';
import { eventually } from '../support/eventually.js';

const silent = { debug() {}, info() {}, warn() {}, error() {} };

interface SaslServer {
  readonly port: number;
  /** Every line each connection sent, one array per connection. */
  readonly sessions: string[][];
  /** How many connections the client has closed. */
  closed: number;
  stop(): Promise<void>;
}

/**
 * Offers `sasl=PLAIN`; accepts only `account`/`password`. Like a real server it registers
 * whoever sends CAP END, logged in or not: refusing to go on is the client's job.
 */
async function saslServer(account: string, password: string): Promise<SaslServer> {
  const sockets = new Set<Socket>();
  const state: SaslServer = {
    port: 0,
    sessions: [],
    closed: 0,
    stop: () =>
      new Promise<void>((done) => {
        for (const s of sockets) s.destroy();
        server.close(() => done());
      }),
  };
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    const lines: string[] = [];
    state.sessions.push(lines);
    let nick = '*';
    let buffer = '';
    const send = (line: string) => socket.write(`:fake.test ${line}\r\n`);
    socket.on('close', () => state.closed++);
    socket.on('error', () => undefined);
    socket.on('data', (chunk) => {
      buffer += chunk.toString('utf8');
      let end: number;
      while ((end = buffer.indexOf('\r\n')) >= 0) {
        const line = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        lines.push(line);
        const [command, ...args] = line.split(' ');
        if (command === 'NICK') nick = args[0] ?? nick;
        else if (command === 'CAP' && args[0] === 'LS') send(`CAP * LS :sasl=PLAIN`);
        else if (command === 'CAP' && args[0] === 'REQ') send(`CAP * ACK :sasl`);
        else if (command === 'AUTHENTICATE' && args[0] === 'PLAIN')
          socket.write('AUTHENTICATE +\r\n');
        else if (command === 'AUTHENTICATE') {
          const [, user, pass] = Buffer.from(args[0] ?? '', 'base64')
            .toString('utf8')
            .split('\0');
          if (user === account && pass === password) {
            send(`900 ${nick} ${nick}!u@h ${account} :You are now logged in as ${account}`);
            send(`903 ${nick} :SASL authentication successful`);
          } else send(`904 ${nick} :SASL authentication failed`);
        } else if (command === 'CAP' && args[0] === 'END') {
          send(`001 ${nick} :Welcome`);
          send(`376 ${nick} :End of MOTD`);
        } else if (command === 'JOIN') socket.write(`:${nick}!u@h JOIN ${args[0]}\r\n`);
        else if (command === 'PING') send(`PONG fake.test ${args[0] ?? ''}`);
      }
    });
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  return Object.assign(state, { port: (server.address() as AddressInfo).port });
}

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function bot(port: number, password: string) {
  const healths: AdapterHealth[] = [];
  const components: AdapterComponents = {
    logger: silent,
    clock: { now: () => Date.now() },
    emit: () => Promise.resolve(),
    reportHealth: (health) => healths.push(health),
  };
  const adapter = createAdapter(
    {
      networks: {
        test: {
          host: '127.0.0.1',
          port,
          tls: false,
          nick: 'mcbot',
          sasl: { user: 'multichat', password },
          channels: ['#room'],
          reconnect: { minMs: 200, maxMs: 200 },
        },
      },
    },
    'irc' as NetworkName,
  )(components);
  cleanups.push(() => adapter.stop());
  await adapter.start();
  return { adapter, healths };
}

describe('irc SASL', () => {
  it('logs in with the right account, then registers and joins', async () => {
    const server = await saslServer('multichat', 'right-pw');
    cleanups.push(() => server.stop());
    const { adapter } = await bot(server.port, 'right-pw');
    await eventually(() => adapter.health().state === 'connected', { what: 'connected' });
    await eventually(() => server.sessions[0]?.includes('JOIN #room') === true, {
      what: 'joined',
    });
    const auth = server.sessions[0]?.find((l) => /^AUTHENTICATE (?!PLAIN)/.test(l)) ?? '';
    expect(Buffer.from(auth.split(' ')[1] ?? '', 'base64').toString('utf8')).toMatch(
      /\0multichat\0right-pw$/,
    );
  });

  it('a refused login disconnects and fails for good, naming SASL; nothing joined', async () => {
    const server = await saslServer('multichat', 'right-pw');
    cleanups.push(() => server.stop());
    const { adapter, healths } = await bot(server.port, 'wrong-pw');
    await eventually(() => adapter.health().state === 'failed', { what: 'failed' });
    expect(adapter.health().detail).toContain(
      'SASL refused: login failed, check sasl.user and sasl.password (904: SASL authentication failed)',
    );
    await eventually(() => server.closed === 1, { what: 'the bot closed its connection' });
    expect(server.sessions).toHaveLength(1);
    expect(server.sessions[0]?.some((l) => l.startsWith('JOIN'))).toBe(false);
    expect(server.sessions[0]).not.toContain('CAP END');
    expect(healths.some((h) => h.state === 'connected')).toBe(false);
  });
});
