/**
 * Issue 15, "no request reaches the internal server": every bridge path that fetches a URL for
 * someone else — Matrix attachments (outbound) and ghost avatars, Slack attachments — is driven
 * at an "internal" loopback server on 127.0.0.1 that counts requests, in every spelling (plain,
 * IPv4-mapped IPv6, decimal, NAT64, `localhost`) and through a redirect from a server the policy
 * allows (127.0.0.2 only). The internal server must see nothing; the message still arrives, with
 * a link instead of the file; an allowed file goes through (so the paths really fetch).
 * Discord and IRC fetch nothing server-side (Discord is handed URLs; IRC carries text).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseMarkdown } from '../../src/bridges/format/index.js';
import { ghostUserId, type MatrixAdapter } from '../../src/bridges/matrix/index.js';
import { startBridges, type RunningBridges } from '../../src/bridges/runtime/start.js';
import type { AdapterLogger, SendAction, TargetKey } from '../../src/bridges/types.js';
import type { MultichatNode } from '../../src/core/types.js';
import { countingServer, type CountingServer } from '../support/counting-server.js';
import { tempDir, tempNode } from '../support/core.js';
import { MatrixTestClient } from '../support/matrix-client.js';
import { startSlackHarness, type SlackHarness } from '../peers/slack-fake/harness.js';
import { PNG, startMatrixWorld, synapseAvailable, type MatrixWorld } from './matrix-setup.js';

let internal: CountingServer;
let allowed: CountingServer;
let attacks: string[];

beforeAll(async () => {
  internal = await countingServer('127.0.0.1');
  const p = internal.port;
  allowed = await countingServer('127.0.0.2', (req, res) => {
    if (req.url === '/to-v4')
      return void res.writeHead(302, { location: `http://127.0.0.1:${p}/secret` }).end();
    if (req.url === '/to-mapped')
      return void res.writeHead(307, { location: `http://[::ffff:127.0.0.1]:${p}/secret` }).end();
    if (req.url === '/avatar.png')
      return void res.writeHead(200, { 'content-type': 'image/png' }).end(Buffer.from(PNG));
    res.writeHead(200, { 'content-type': 'text/plain' }).end('public notes');
  });
  attacks = [
    `http://127.0.0.1:${p}/secret`,
    `http://[::ffff:127.0.0.1]:${p}/secret`,
    `http://[::ffff:7f00:1]:${p}/`,
    `http://[64:ff9b::7f00:1]:${p}/`,
    `http://2130706433:${p}/`,
    `http://localhost:${p}/secret`,
    `${allowed.url}/to-v4`,
    `${allowed.url}/to-mapped`,
  ];
});
afterAll(async () => {
  await internal?.close();
  await allowed?.close();
});

const action = (
  target: Record<string, string>,
  key: string,
  extra: Partial<SendAction>,
  text = 'see attached',
): SendAction => ({
  kind: 'send',
  target,
  targetKey: 'test:ssrf' as TargetKey,
  idempotencyKey: key,
  sender: { id: 'PersonEve', name: 'eve' },
  text,
  rich: parseMarkdown(text),
  ...extra,
});

interface Warning {
  readonly obj: Record<string, unknown>;
  readonly msg: string | undefined;
}

function recordingLogger(warnings: Warning[]): AdapterLogger & { child(): AdapterLogger } {
  const quiet = () => undefined;
  const logger = {
    debug: quiet,
    info: quiet,
    error: quiet,
    warn: (obj: object, msg?: string) => void warnings.push({ obj: obj as never, msg }),
    child: () => logger,
  };
  return logger;
}

describe.skipIf(!synapseAvailable())(
  'Matrix: attachments and avatars never reach 127.0.0.1',
  () => {
    let world: MatrixWorld;
    let node: MultichatNode;
    let bridges: RunningBridges;
    let alice: MatrixTestClient;
    let room: string;
    const warnings: Warning[] = [];

    beforeAll(async () => {
      world = await startMatrixWorld();
      const dataDir = tempDir('mc-ssrf-');
      node = await tempNode({ dataDir });
      // Through the runtime's start, as the gateway does: the top-level `media:` section is what
      // the adapter gets; it allows 127.0.0.2 and nothing else.
      bridges = await startBridges({
        node,
        logger: recordingLogger(warnings),
        dataDir,
        store: { kind: 'sqlite' },
        bridges: { matrix: { ...world.config, media: undefined } },
        links: [],
        media: { allow: ['127.0.0.2'] },
      });
      alice = await MatrixTestClient.register(world.synapse.url, 'alice');
      room = await alice.createRoom({ name: 'ssrf' });
    });
    afterAll(async () => {
      await bridges?.stop();
      await node?.stop();
      await world?.stop();
    });

    const adapter = () => bridges.runtime.adapter('matrix') as MatrixAdapter;

    it('sends blocked attachments as links, uploads the allowed one, fetches nothing internal', async () => {
      const files = [...attacks, `${allowed.url}/notes.txt`].map((url, i) => ({
        url,
        name: `file${i}.txt`,
        mimeType: 'text/plain',
      }));
      const result = await adapter().send(action({ room }, 'ssrf-files', { attachments: files }));
      expect(result.externalIds).toHaveLength(1 + files.length);
      const ghost = ghostUserId(world.config, 'PersonEve');
      const posted = await alice.waitFor(room, (ev) => {
        const mine = ev.filter((e) => e.sender === ghost && e.type === 'm.room.message');
        return mine.length === 1 + files.length ? mine : undefined;
      });
      const bodies = posted.map(
        (e) => e.content as { msgtype: string; body: string; url?: string },
      );
      expect(bodies[0]?.body).toBe('see attached');
      expect(bodies.slice(1, -1)).toEqual(
        attacks.map((url, i) =>
          expect.objectContaining({ msgtype: 'm.text', body: `file${i}.txt: ${url}` }),
        ),
      );
      const file = bodies.at(-1);
      expect(file).toMatchObject({ msgtype: 'm.file', body: `file${attacks.length}.txt` });
      expect(new TextDecoder().decode(await alice.download(file?.url ?? ''))).toBe('public notes');
      expect(internal.requests).toHaveLength(0);
      const refused = warnings.filter((w) => w.msg === 'matrix: attachment sent as a link');
      expect(refused).toHaveLength(attacks.length);
      const reasons = refused.map((w) => String(w.obj['err']));
      expect(reasons.filter((e) => !/^refused to fetch .*loopback/.test(e))).toEqual([]);
    });

    it('keeps posting when a ghost avatar points inward, and leaves the avatar unset', async () => {
      const ghost = ghostUserId(world.config, 'PersonMallory');
      for (const [i, avatarUrl] of attacks.entries()) {
        const sender = { id: 'PersonMallory', name: 'mallory', avatarUrl };
        await adapter().send(action({ room }, `ssrf-avatar-${i}`, { sender }, `try ${i}`));
      }
      const posted = await alice.waitFor(room, (ev) => {
        const mine = ev.filter((e) => e.sender === ghost && e.type === 'm.room.message');
        return mine.length === attacks.length ? mine : undefined;
      });
      expect(posted.map((e) => (e.content as { body: string }).body)).toEqual(
        attacks.map((_, i) => `try ${i}`),
      );
      expect((await alice.profile(ghost)).avatar_url).toBeUndefined();
      expect(warnings.filter((w) => w.msg === 'matrix: avatar not fetched')).toHaveLength(
        attacks.length,
      );
      // The same path with an allowed URL does fetch and upload.
      const sender = {
        id: 'PersonMallory',
        name: 'mallory',
        avatarUrl: `${allowed.url}/avatar.png`,
      };
      await adapter().send(action({ room }, 'ssrf-avatar-ok', { sender }, 'ok'));
      const avatar = (await alice.profile(ghost)).avatar_url;
      expect(avatar).toMatch(/^mxc:\/\//);
      expect(await alice.download(avatar ?? '')).toEqual(PNG);
      expect(internal.requests).toHaveLength(0);
    });
  },
);

describe('Slack: attachments never reach 127.0.0.1', () => {
  let h: SlackHarness;

  beforeAll(async () => {
    h = await startSlackHarness('socket', {
      config: { allowPrivateAttachmentUrls: false, media: { allow: ['127.0.0.2'] } },
    });
  });
  afterAll(async () => {
    await h?.stop();
  });

  it('carries blocked attachments as links and uploads only the allowed one', async () => {
    const channel = h.fake.addChannel('general');
    const files = [...attacks, `${allowed.url}/notes.txt`].map((url, i) => ({
      url,
      name: `file${i}.txt`,
    }));
    const result = await h.adapter.send(
      action({ channel: channel.id }, 'k', { attachments: files }),
    );
    expect(h.fake.callsOf('files.getUploadURLExternal')).toHaveLength(1);
    const uploaded = [...h.fake.state.files.values()].at(-1);
    expect(uploaded?.bytes?.toString()).toBe('public notes');
    const texts = result.externalIds.map((ts) => h.fake.state.message(channel.id, ts)?.text);
    expect(texts[0]).toBe(['see attached', ...attacks.map((u) => `<${u}>`)].join('\n'));
    expect(internal.requests).toHaveLength(0);
  });
});
