/**
 * Where the bot token may go when the gateway reads a Slack file: only to Slack's file host
 * (the API's host or a subdomain), never to an external file's URL nor past a redirect to
 * another origin; a sign-in page or a deleted file is an error, never stored as the file.
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  SlackFileOriginError,
  SlackFileSignInError,
  SlackFileUnavailableError,
} from '../../../src/bridges/slack/errors.js';
import type { SlackFile } from '../../../src/bridges/slack/events.js';
import { SlackFileReader } from '../../../src/bridges/slack/file-reader.js';
import { introduction } from '../../../src/bridges/slack/files.js';

const TOKEN = 'xoxb-unit-token';

interface Answer {
  readonly status: number;
  readonly headers?: Record<string, string>;
  readonly body?: string;
}

interface Recorded {
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
}

async function listen(
  handle: (path: string, headers: IncomingHttpHeaders) => Answer,
): Promise<{ server: Server; url: string; seen: Recorded[] }> {
  const seen: Recorded[] = [];
  const server = createServer((req, res) => {
    const path = req.url ?? '/';
    seen.push({ path, headers: req.headers });
    const answer = handle(path, req.headers);
    res.writeHead(answer.status, answer.headers ?? {});
    res.end(answer.body ?? '');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { server, url: `http://127.0.0.1:${port}`, seen };
}

async function read(body: AsyncIterable<Uint8Array>): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of body) chunks.push(Buffer.from(chunk));
  return Buffer.concat(chunks).toString('utf8');
}

describe('SlackFileReader', () => {
  let slack: Awaited<ReturnType<typeof listen>>;
  let other: Awaited<ReturnType<typeof listen>>;
  let reader: SlackFileReader;

  beforeAll(async () => {
    other = await listen(() => ({
      status: 200,
      headers: { 'content-type': 'text/plain' },
      body: 'elsewhere',
    }));
    slack = await listen((path, headers): Answer => {
      if (path === '/away') return { status: 302, headers: { location: `${other.url}/landing` } };
      if (path === '/login')
        return {
          status: 200,
          headers: { 'content-type': 'text/html' },
          body: '<html>Sign in</html>',
        };
      if (headers.authorization !== `Bearer ${TOKEN}`)
        return { status: 302, headers: { location: '/login' } };
      return { status: 200, headers: { 'content-type': 'image/png' }, body: 'png bytes' };
    });
    reader = new SlackFileReader({
      botToken: TOKEN,
      apiUrl: `${slack.url}/api/`,
      fetch: { allowPrivateAddresses: true },
    });
  });
  afterAll(() => {
    slack.server.close();
    other.server.close();
  });

  const file = (extra: Partial<SlackFile>): SlackFile => ({
    id: 'F1',
    name: 'cat.png',
    mimetype: 'image/png',
    size: 9,
    permalink: 'https://team.slack.com/files/U1/F1/cat.png',
    url_private: `${slack.url}/files-pri/T-F1/cat.png`,
    ...extra,
  });

  it('only Slack file hosts get the token: the API host and its subdomains, same scheme', () => {
    const api = new SlackFileReader({
      botToken: TOKEN,
      apiUrl: 'https://slack.com/api/',
      fetch: {},
    });
    expect(api.isSlackFileUrl('https://files.slack.com/files-pri/T-F/a.png')).toBe(true);
    expect(api.isSlackFileUrl('https://slack.com/files-pri/T-F/a.png')).toBe(true);
    expect(api.isSlackFileUrl('http://files.slack.com/a.png')).toBe(false);
    expect(api.isSlackFileUrl('https://files.slack.com.evil.example/a.png')).toBe(false);
    expect(api.isSlackFileUrl('https://notslack.com/a.png')).toBe(false);
    expect(api.isSlackFileUrl('https://drive.google.com/file/d/1')).toBe(false);
    expect(api.isSlackFileUrl('not a url')).toBe(false);
  });

  it('reads the file with the bearer token; the link shown is the permalink', async () => {
    const attachment = reader.attachment(file({}));
    expect(attachment).toMatchObject({
      name: 'cat.png',
      mimeType: 'image/png',
      size: 9,
      url: 'https://team.slack.com/files/U1/F1/cat.png',
    });
    const stream = await attachment.open();
    expect(await read(stream.body)).toBe('png bytes');
    expect(slack.seen.at(-1)?.headers.authorization).toBe(`Bearer ${TOKEN}`);
  });

  it('prefers url_private_download', async () => {
    const from = slack.seen.length;
    const stream = await reader
      .attachment(file({ url_private_download: `${slack.url}/files-pri/T-F1/download/cat.png` }))
      .open();
    await read(stream.body);
    expect(slack.seen.slice(from).map((r) => r.path)).toEqual(['/files-pri/T-F1/download/cat.png']);
  });

  it('an external file is not fetched at all: its host never sees the token', async () => {
    const from = other.seen.length;
    const external = reader.attachment(
      file({ url_private: `${other.url}/doc`, is_external: true }),
    );
    await expect(external.open()).rejects.toBeInstanceOf(SlackFileOriginError);
    const foreign = reader.attachment(file({ url_private: `${other.url}/doc` }));
    await expect(foreign.open()).rejects.toBeInstanceOf(SlackFileOriginError);
    expect(other.seen).toHaveLength(from);
  });

  it('a redirect from Slack to another origin is followed without the token', async () => {
    const from = other.seen.length;
    const stream = await reader
      .attachment(file({ url_private: `${slack.url}/away`, mimetype: 'text/plain' }))
      .open();
    expect(await read(stream.body)).toBe('elsewhere');
    expect(other.seen.slice(from)).toHaveLength(1);
    expect(other.seen.at(-1)?.headers.authorization).toBeUndefined();
  });

  it('the sign-in page Slack answers without a valid token is an error, not the file', async () => {
    const wrong = new SlackFileReader({
      botToken: 'xoxb-wrong',
      apiUrl: `${slack.url}/api/`,
      fetch: { allowPrivateAddresses: true },
    });
    await expect(wrong.attachment(file({})).open()).rejects.toBeInstanceOf(SlackFileSignInError);
  });

  it('a deleted or plan-hidden file, or one without url_private, offers no bytes and is not fetched', async () => {
    const from = slack.seen.length;
    for (const extra of [
      { mode: 'tombstone' },
      { mode: 'hidden_by_limit' },
      { url_private: undefined },
    ]) {
      const attachment = reader.attachment({ ...file({}), ...extra } as SlackFile);
      await expect(attachment.open()).rejects.toBeInstanceOf(SlackFileUnavailableError);
    }
    expect(slack.seen).toHaveLength(from);
  });
});

describe('introduction of a shared file', () => {
  it('names the person in bold and counts the files', () => {
    expect(introduction('alice', 1)).toBe('*alice* shared a file');
    expect(introduction('alice', 3)).toBe('*alice* shared 3 files');
  });

  it('a name can neither style the line nor ping (<!channel>) anyone', () => {
    expect(introduction('<!channel> *bob* & co', 1)).toBe(
      '*&lt;!channel&gt; bob &amp; co* shared a file',
    );
    expect(introduction('***', 1)).toBe('*someone* shared a file');
  });
});
