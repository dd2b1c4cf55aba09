/**
 * The IRC check: connect, register (PASS, SASL PLAIN when configured, NICK, USER) and quit at
 * the welcome (001). Joins nothing and says nothing.
 */
import { connect as tcpConnect, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import type { IrcNetworkConfig } from '../../bridges/irc/config.js';
import { CHECK_TIMEOUT_MS, fail, ok, type CheckResult } from './types.js';

export function checkIrcNetwork(net: string, cfg: IrcNetworkConfig): Promise<CheckResult> {
  const name = `irc ${net}`;
  const port = cfg.port ?? (cfg.tls ? 6697 : 6667);
  const where = `${cfg.host}:${port}${cfg.tls ? ' (TLS)' : ''}`;
  return new Promise((done) => {
    let settled = false;
    const socket: Socket = cfg.tls
      ? tlsConnect({
          host: cfg.host,
          port,
          servername: cfg.host,
          rejectUnauthorized: cfg.tlsVerify,
        })
      : tcpConnect({ host: cfg.host, port });
    const finish = (result: CheckResult): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (!socket.destroyed) socket.end('QUIT :multichat doctor\r\n');
      setTimeout(() => socket.destroy(), 200).unref();
      done(result);
    };
    const timer = setTimeout(
      () => finish(fail(name, `no welcome from ${where} in time`, 'check host, port and tls')),
      CHECK_TIMEOUT_MS,
    );
    const send = (line: string): void => void socket.write(`${line}\r\n`);
    socket.once(cfg.tls ? 'secureConnect' : 'connect', () => {
      if (cfg.sasl) send('CAP REQ :sasl');
      if (cfg.password) send(`PASS ${cfg.password}`);
      send(`NICK ${cfg.nick}`);
      send(
        `USER ${cfg.username ?? (cfg.nick.replace(/[^A-Za-z0-9]/g, '').slice(0, 10) || 'multichat')} 0 * :${cfg.realname}`,
      );
    });
    socket.on('error', (err: NodeJS.ErrnoException) =>
      finish(
        fail(
          name,
          `cannot connect to ${where}: ${err.code ?? err.message}`,
          err.code === 'DEPTH_ZERO_SELF_SIGNED_CERT' || err.code === 'SELF_SIGNED_CERT_IN_CHAIN'
            ? 'the server certificate is self-signed: tlsVerify: false only for a test server'
            : 'check host, port and tls (6697 is TLS, 6667 plain)',
        ),
      ),
    );
    let buffer = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      buffer += chunk;
      let nl: number;
      while ((nl = buffer.indexOf('\n')) >= 0) {
        const line = buffer.slice(0, nl).replace(/\r$/, '');
        buffer = buffer.slice(nl + 1);
        onLine(line);
      }
    });
    const onLine = (line: string): void => {
      const parts = line.replace(/^:\S+ /, '').split(' ');
      const command = parts[0] ?? '';
      if (command === 'PING') return send(`PONG ${parts.slice(1).join(' ')}`);
      if (command === 'CAP' && parts[2] === 'ACK') return send('AUTHENTICATE PLAIN');
      if (command === 'CAP' && parts[2] === 'NAK') {
        return finish(fail(name, `${where} offers no SASL`, 'remove sasl or use nickserv'));
      }
      if (command === 'AUTHENTICATE' && parts[1] === '+' && cfg.sasl) {
        const { user, password } = cfg.sasl;
        return send(
          `AUTHENTICATE ${Buffer.from(`${user}\0${user}\0${password}`).toString('base64')}`,
        );
      }
      if (command === '903') return send('CAP END');
      if (command === '904' || command === '902') {
        return finish(
          fail(
            name,
            'SASL login refused',
            'check sasl.user and sasl.password (the account, not the nick)',
          ),
        );
      }
      if (command === '001')
        return finish(ok(name, `registered on ${where} as ${parts[1] ?? cfg.nick}`));
      if (command === '433')
        return finish(
          ok(name, `reached ${where}; nick ${cfg.nick} is in use (the gateway takes another)`),
        );
      if (command === '464')
        return finish(fail(name, 'server password refused (464)', 'check password'));
      if (command === '465')
        return finish(fail(name, 'banned from the server (465)', 'ask the network’s staff'));
      if (command === 'ERROR')
        return finish(fail(name, `server closed: ${line}`, 'read the reason above'));
    };
  });
}
