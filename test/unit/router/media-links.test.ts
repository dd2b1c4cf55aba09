/**
 * The IRC rule end to end: a file from a network with attachments reaches an adapter without
 * them as a `name: url` line, and that url (the gateway's signed media link, from the same
 * signer the gateway gives the runtime) serves the very bytes, without a token.
 */
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { silentLogger } from '../../../src/core/options.js';
import { createApp } from '../../../src/gateway/http/app.js';
import { MediaLinks } from '../../../src/gateway/media-links.js';
import { startHarness } from './harness.js';
import { createMediaAdapter, memoryFile, sha256, type MediaAdapter } from './media-adapter.js';

describe('files as signed links', () => {
  it('an IRC-like target gets name: url, and the url serves the same bytes', async () => {
    const links = new MediaLinks(Buffer.alloc(32, 7), 'http://gw.test');
    const h = await startHarness(
      [
        { name: 'dc', build: createMediaAdapter('dc', true) },
        { name: 'irc', build: createMediaAdapter('irc', false) },
      ],
      { runtimeOptions: { mediaLinks: links } },
    );
    // The media test adapters show no joins: a bridged person's join is a counted drop there.
    h.expectDrops((c) => c.kind === 'join' && c.reason === 'unsupported');
    const { app } = createApp(
      { node: h.node, adminToken: 'a'.repeat(32), logger: silentLogger, status: {} },
      { media: { links, maxBytes: 1_000_000, fetchWaitMs: 100 } },
    );
    const bytes = randomBytes(4_321);
    await (h.runtime.adapter('dc') as MediaAdapter).post({ channel: 'main' }, 'bob', 'see', [
      memoryFile('plan.pdf', bytes, { mimeType: 'application/pdf' }),
    ]);
    await h.settle();

    const irc = h.runtime.adapter('irc') as MediaAdapter;
    expect(irc.sent).toHaveLength(1);
    const [caption, line] = irc.sent[0]?.text.split('\n') ?? [];
    expect(caption).toBe('see');
    const match =
      /^plan\.pdf: <(http:\/\/gw\.test\/api\/v1\/media\/([0-9a-f]{64})\?[^\s>]+)>$/.exec(
        line ?? '',
      );
    expect(match?.[2]).toBe(sha256(bytes));

    const res = await app.request(match?.[1] ?? '');
    const served = Buffer.from(await res.arrayBuffer());
    // The body goes with the status: a refusal's code says which check failed.
    expect({ status: res.status, body: res.status === 200 ? '' : served.toString() }).toEqual({
      status: 200,
      body: '',
    });
    expect(served.length).toBe(4_321);
    expect(sha256(served)).toBe(sha256(bytes));

    // The same path without the signature is not served to someone without a token.
    const unsigned = await app.request(`http://gw.test/api/v1/media/${sha256(bytes)}`);
    expect(unsigned.status).toBe(401);
  });
});
