/**
 * Loopback HTTP servers for the URL-fetch tests: an "internal" server that counts every request
 * it sees (the SSRF tests assert it saw none), and a redirector that answers with a Location.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';

export interface CountingServer {
  /** `http://host:port` (IPv6 hosts in brackets). */
  readonly url: string;
  readonly port: number;
  /** Every request seen, in order. */
  readonly requests: IncomingMessage[];
  close(): Promise<void>;
}

export type Handler = (req: IncomingMessage, res: ServerResponse) => void;

/** Starts a server on `host` (port 0) answering with `handler`; default: 200 "internal secret". */
export async function countingServer(
  host = '127.0.0.1',
  handler: Handler = (_req, res) =>
    res.writeHead(200, { 'content-type': 'text/plain' }).end('internal secret'),
): Promise<CountingServer> {
  const requests: IncomingMessage[] = [];
  const server: Server = createServer((req, res) => {
    requests.push(req);
    handler(req, res);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, host, () => resolve());
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    port,
    requests,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A server that redirects every request to `to` with `status`. */
export function redirector(host: string, to: string, status = 302): Promise<CountingServer> {
  return countingServer(host, (_req, res) => res.writeHead(status, { location: to }).end());
}
