/**
 * `multichat import slack-export` against the data dir of a stopped gateway: a generated export
 * with threads, edits, reactions, files and joins is imported with its order, authors and
 * original times; the API shows createdAt originals and origin.imported; a re-run adds nothing;
 * the command refuses while the gateway runs, and bad input imports nothing (exit 2); a run
 * killed between a batch's commit and its mappings is made whole by the next run.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/gateway/cli/main.js';
import { cliIo } from '../support/import-cli.js';
import { loadConfig } from '../../src/gateway/config/index.js';
import { startGateway, type RunningGateway } from '../../src/gateway/gateway.js';
import { writeSlackExport, type GeneratedExport } from '../support/slack-export.js';

const silent = pino({ level: 'silent' });
let dir: string;
let configPath: string;
let zip: string;
let generated: GeneratedExport;
let admin: string;
let userToken: string;
const channelIds = new Map<string, string>();

async function start(): Promise<RunningGateway> {
  const { config } = await loadConfig(configPath, {});
  return startGateway(config, silent);
}

async function api(gw: RunningGateway, path: string, token: string, body?: unknown) {
  const res = await fetch(`${gw.httpUrl}${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    ...(body !== undefined && { body: JSON.stringify(body) }),
  });
  expect(res.ok, `${path}: ${res.status}`).toBe(true);
  return (await res.json()) as Record<string, unknown>;
}

type ApiMessage = {
  id: string;
  text: string;
  createdAt: string;
  sender: { username: string };
  threadRoot?: string;
  reactions: Record<string, string[]>;
  origin?: { network: string; externalId: string; imported?: boolean };
};

async function allMessages(gw: RunningGateway, channel: string): Promise<ApiMessage[]> {
  const out: ApiMessage[] = [];
  let after: string | undefined;
  for (;;) {
    const q = after ? `?limit=200&after=${after}` : '?limit=200&after=';
    const page = (await api(
      gw,
      `/api/v1/channels/${channel}/messages${after ? q : '?limit=200'}`,
      userToken,
    )) as {
      messages: ApiMessage[];
    };
    if (!after) {
      // Without an anchor the API gives the newest page: walk back to the start first.
      let before = page.messages[0]?.id;
      const older: ApiMessage[] = [];
      while (before) {
        const p = (await api(
          gw,
          `/api/v1/channels/${channel}/messages?limit=200&before=${before}`,
          userToken,
        )) as {
          messages: ApiMessage[];
        };
        older.unshift(...p.messages);
        before = p.messages.length === 200 ? p.messages[0]?.id : undefined;
      }
      out.push(...older, ...page.messages);
      return out;
    }
  }
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mc-import-'));
  configPath = join(dir, 'gateway.yaml');
  await writeFile(
    configPath,
    [
      'node:',
      `  dataDir: ${join(dir, 'data')}`,
      '  listen: ["/ip4/127.0.0.1/tcp/0"]',
      '  mdns: false',
      'http: { host: 127.0.0.1, port: 0 }',
      'log: { level: error, format: json }',
      '',
    ].join('\n'),
  );
  zip = join(dir, 'export.zip');
  generated = await writeSlackExport(zip, {
    channels: ['general', 'random'],
    perChannel: 120,
    users: 4,
    fileEvery: 25,
  });
  const gw = await start();
  try {
    admin =
      gw.adminToken.kind === 'config'
        ? ''
        : (await import('node:fs')).readFileSync(gw.adminToken.path, 'utf8').trim();
    const user = (await api(gw, '/api/v1/users', admin, { username: 'owner' })) as {
      token: string;
    };
    userToken = user.token;
    for (const name of ['general', 'random']) {
      const channel = (await api(gw, '/api/v1/channels', userToken, { name })) as { id: string };
      channelIds.set(name, channel.id);
    }
  } finally {
    await gw.stop();
  }
}, 60_000);

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('multichat import slack-export', () => {
  it('refuses bad input with exit 2 and imports nothing', async () => {
    const notExport = join(dir, 'not-export.zip');
    await writeSlackExportless(notExport);
    const a = cliIo();
    expect(await main(['import', 'slack-export', notExport, '--config', configPath], a)).toBe(2);
    expect(a.errors.join('\n')).toContain('not a Slack workspace export');
    const b = cliIo();
    const code = await main(
      ['import', 'slack-export', zip, '--config', configPath, '--channel-map', 'general=nowhere'],
      b,
    );
    expect(code).toBe(2);
    expect(b.errors.join('\n')).toContain('channel "nowhere" does not exist');
    const c = cliIo();
    expect(
      await main(['import', 'slack-export', join(dir, 'gateway.yaml'), '--config', configPath], c),
    ).toBe(2);
    expect(c.errors.join('\n')).toContain('not a readable zip');
    const gw = await start();
    try {
      expect(await allMessages(gw, channelIds.get('general')!)).toEqual([]);
    } finally {
      await gw.stop();
    }
  }, 60_000);

  it('imports order, authors, original times, threads, reactions and files; a re-run adds 0', async () => {
    const first = cliIo();
    expect(await main(['import', 'slack-export', zip, '--config', configPath], first)).toBe(0);
    expect(first.lines).toEqual(['imported 240, skipped 0, failed 0']);
    const again = cliIo();
    expect(await main(['import', 'slack-export', zip, '--config', configPath], again)).toBe(0);
    expect(again.lines).toEqual(['imported 0, skipped 240, failed 0']);

    const gw = await start();
    try {
      const busy = cliIo();
      expect(await main(['import', 'slack-export', zip, '--config', configPath], busy)).toBe(1);
      expect(busy.errors.join('\n')).toContain('in use by process');

      const names = new Map(generated.users.map((u) => [u.id, u.name]));
      for (const [name, expected] of generated.messages) {
        const got = await allMessages(gw, channelIds.get(name)!);
        expect(got.map((m) => m.text.split('\n')[0])).toEqual(expected.map((m) => m.text));
        expect(got.map((m) => m.sender.username)).toEqual(expected.map((m) => names.get(m.user)));
        expect(got.map((m) => m.createdAt)).toEqual(
          expected.map((m) => new Date(m.at).toISOString()),
        );
        expect(got.every((m) => m.origin?.network === 'slack' && m.origin.imported === true)).toBe(
          true,
        );
        const byTs = new Map(expected.map((m, i) => [m.ts, got[i]!]));
        expected.forEach((m, i) => {
          const message = got[i]!;
          if (m.threadTs) expect(message.threadRoot).toBe(byTs.get(m.threadTs)!.id);
          else expect(message.threadRoot).toBeUndefined();
          const reactors = m.reactions.flatMap((r) => r.users).length;
          expect(Object.values(message.reactions).flat().length).toBe(reactors);
          if (m.reactions.length > 0) expect(Object.keys(message.reactions)).toEqual(['👍']);
          // Slack is not configured here: files stay links to their page.
          if (m.file) expect(message.text).toContain(`${m.file.name}: <${m.file.permalink}>`);
        });
      }
      const live = (await api(
        gw,
        `/api/v1/channels/${channelIds.get('general')}/messages`,
        userToken,
        {
          text: 'live after import',
        },
      )) as { id: string };
      const after = await allMessages(gw, channelIds.get('general')!);
      expect(after.at(-1)?.id).toBe(live.id);
      expect(after.at(-1)?.origin).toBeUndefined();
    } finally {
      await gw.stop();
    }
  }, 120_000);

  it('a run killed after the core commit but before its mappings is made whole, not re-imported', async () => {
    // What a kill -9 between a batch's commit and its mappings leaves: messages without mappings.
    const { default: Database } = await import('better-sqlite3');
    const db = new Database(join(dir, 'data', 'mapping.db'));
    const count = () =>
      (
        db.prepare("SELECT count(*) AS n FROM message_map WHERE network = 'slack'").get() as {
          n: number;
        }
      ).n;
    try {
      expect(count()).toBe(240);
      expect(db.prepare('DELETE FROM message_map WHERE rowid % 3 = 0').run().changes).toBe(80);
      const rerun = cliIo();
      expect(await main(['import', 'slack-export', zip, '--config', configPath], rerun)).toBe(0);
      expect(rerun.lines).toEqual(['imported 0, skipped 240, failed 0']);
      expect(count()).toBe(240);
    } finally {
      db.close();
    }
    const gw = await start();
    try {
      for (const [name, expected] of generated.messages) {
        const imported = (await allMessages(gw, channelIds.get(name)!)).filter(
          (m) => m.origin?.imported,
        );
        expect(imported.map((m) => m.text.split('\n')[0])).toEqual(expected.map((m) => m.text));
      }
    } finally {
      await gw.stop();
    }
  }, 60_000);
});

/** A zip that is no Slack export: no users.json. */
async function writeSlackExportless(path: string): Promise<void> {
  const yazl = (await import('yazl')).default;
  const { createWriteStream } = await import('node:fs');
  const zipFile = new yazl.ZipFile();
  zipFile.addBuffer(Buffer.from('[]'), 'channels.json');
  const done = new Promise<void>((resolve) =>
    zipFile.outputStream.pipe(createWriteStream(path)).on('close', () => resolve()),
  );
  zipFile.end();
  await done;
}
