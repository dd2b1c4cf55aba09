/**
 * A fake chat network served over loopback HTTP, for tests where the gateway runs in a child
 * process that gets killed: the network must live outside that process. It de-duplicates sends
 * by idempotency key (as Matrix txnIds and Discord nonces do) and can hold the answer to a send
 * forever, so a test can kill the sender between the network taking the message and the ack.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface HttpPost {
  readonly id: string;
  readonly key: string;
  readonly target: string;
  text: string;
  edits: number;
}

export interface HttpNetwork {
  readonly url: string;
  readonly posts: HttpPost[];
  /** Every send request, by idempotency key, in arrival order. */
  readonly sendKeys: string[];
  /** The first send of a message with this text is taken but never answered. */
  holdAnswerTo(text: string): Promise<void>;
  close(): Promise<void>;
}

async function json(req: IncomingMessage): Promise<Record<string, unknown>> {
  let body = '';
  for await (const chunk of req) body += String(chunk);
  return JSON.parse(body) as Record<string, unknown>;
}

export async function startHttpNetwork(): Promise<HttpNetwork> {
  const posts: HttpPost[] = [];
  const sendKeys: string[] = [];
  const held = new Map<string, () => void>();
  const open = new Set<ServerResponse>();
  const server = createServer((req, res) => {
    void (async () => {
      const body = await json(req);
      const reply = (value: unknown) =>
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(value));
      if (req.url === '/send') {
        const key = String(body.idempotencyKey);
        sendKeys.push(key);
        const seen = posts.find((p) => p.key === key);
        if (seen) return reply({ ids: [seen.id] });
        const post = {
          id: `h${posts.length + 1}`,
          key,
          target: String(body.target),
          text: String(body.text),
          edits: 0,
        };
        posts.push(post);
        const hold = held.get(post.text);
        if (hold) {
          held.delete(post.text);
          open.add(res);
          hold();
          return; // never answered
        }
        return reply({ ids: [post.id] });
      }
      if (req.url === '/edit') {
        for (const id of body.externalIds as string[]) {
          const post = posts.find((p) => p.id === id);
          if (post) {
            post.text = String(body.text);
            post.edits += 1;
          }
        }
        return reply({ ids: [] });
      }
      res.writeHead(404).end();
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    posts,
    sendKeys,
    holdAnswerTo: (text) => new Promise<void>((resolve) => held.set(text, resolve)),
    async close() {
      for (const res of open) res.destroy();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
