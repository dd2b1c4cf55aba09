/**
 * A tiny IRC server on loopback for what ngircd cannot show: it offers the IRCv3 capabilities it
 * is told (`message-tags`), registers clients (CAP, NICK/USER → 001, 005, 376), echoes JOIN,
 * answers PING, and records every line each client wrote, by its nick at the time.
 */
import { createServer, type Server, type Socket } from 'node:net';

export interface FakeIrcd {
  readonly port: number;
  /** Lines received, as `nick: line`, in order. */
  readonly lines: string[];
  stop(): Promise<void>;
}

export async function startFakeIrcd(caps: readonly string[]): Promise<FakeIrcd> {
  const lines: string[] = [];
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.setEncoding('utf8');
    let nick = '*';
    let buffered = '';
    let capDone = false;
    let welcomed = false;
    const send = (line: string) => socket.write(`${line}\r\n`);
    const welcome = () => {
      if (welcomed || !capDone || nick === '*') return;
      welcomed = true;
      send(`:fake 001 ${nick} :Welcome ${nick}`);
      send(`:fake 005 ${nick} NICKLEN=30 CHANTYPES=# CASEMAPPING=rfc1459 :are supported`);
      send(`:fake 376 ${nick} :End of MOTD`);
    };
    socket.on('data', (chunk: string) => {
      buffered += chunk;
      let at: number;
      while ((at = buffered.indexOf('\n')) >= 0) {
        const line = buffered.slice(0, at).replace(/\r$/, '');
        buffered = buffered.slice(at + 1);
        lines.push(`${nick}: ${line}`);
        const plain = line.startsWith('@') ? line.slice(line.indexOf(' ') + 1) : line;
        const [command = '', ...args] = plain.split(' ');
        switch (command.toUpperCase()) {
          case 'CAP':
            if (args[0] === 'LS') send(`:fake CAP * LS :${caps.join(' ')}`);
            else if (args[0] === 'REQ') send(`:fake CAP * ACK ${args.slice(1).join(' ')}`);
            else if (args[0] === 'END') {
              capDone = true;
              welcome();
            }
            break;
          case 'NICK':
            nick = args[0] ?? nick;
            welcome();
            break;
          case 'PING':
            send(`:fake PONG fake ${args.join(' ')}`);
            break;
          case 'JOIN':
            send(`:${nick}!u@127.0.0.1 JOIN ${args[0]}`);
            send(`:fake 366 ${nick} ${args[0]} :End of /NAMES list`);
            break;
          case 'QUIT':
            socket.end();
            break;
        }
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    port,
    lines,
    stop: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
