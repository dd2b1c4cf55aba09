/**
 * Two IRC channels on one real ngircd, each linked to the same Multichat channel through its own
 * gateway process (`multichat start`), the two gateways connected over P2P:
 * #a ⇄ gateway A ⇄ P2P ⇄ gateway B ⇄ #b. A raw client's lines in #a must reach #b with the nick,
 * in order, formatting kept; an edit and a reply made through the Multichat API arrive as the
 * docs say (a correction line, a line addressed to the author); and an ngircd restart in the
 * middle of a stream loses nothing. Without ngircd the suite is skipped, except in CI.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findNgircd, startNgircd, type NgircdPeer } from '../peers/ngircd.js';
import { eventually } from '../support/eventually.js';
import { RawIrcClient, type SeenMessage } from '../support/irc-client.js';
import { IrcGateway } from '../support/irc-gateway.js';

const installed = findNgircd() !== undefined;
if (!installed && process.env.CI === 'true') {
  throw new Error('ngircd is missing in CI: run .ci/install-ngircd.sh first');
}

const ZW = '\u200b';

interface MessageJson {
  readonly id: string;
  readonly text: string | null;
  readonly sender: { readonly username: string };
}

function network(port: number, nick: string) {
  return {
    networks: {
      local: {
        host: '127.0.0.1',
        port,
        tls: false,
        nick,
        flood: { burst: 4, delayMs: 300 },
        // Fixed and long enough for the observers to be back in their channels first.
        reconnect: { minMs: 3_000, maxMs: 3_000 },
      },
    },
  };
}

const until = <T>(probe: () => Promise<T | undefined>, what: string, ms = 30_000) =>
  eventually(probe, { what, timeoutMs: ms, intervalMs: 200 });

/** First occurrence of each text, in arrival order (at-least-once delivery may repeat a line). */
function firstSeen(messages: readonly SeenMessage[]): string[] {
  return [...new Set(messages.map((m) => m.text))];
}

if (!installed) {
  describe('IRC ⇄ IRC through two gateways over P2P', () => {
    it.skip('skipped: ngircd is not installed (apt-get install ngircd, or .ci/install-ngircd.sh)', () => {});
  });
} else {
  let peer: NgircdPeer;
  let gwA: IrcGateway;
  let gwB: IrcGateway;
  let alice: RawIrcClient;
  let reader: RawIrcClient;
  const readerLog: SeenMessage[] = [];
  let channel = '';
  let token = '';

  beforeAll(async () => {
    peer = await startNgircd();
    alice = await RawIrcClient.connect(peer.port, 'alice');
    await alice.join('#a');
    reader = await RawIrcClient.connect(peer.port, 'reader');
    await reader.join('#b');

    gwA = await IrcGateway.start({
      name: 'a',
      irc: network(peer.port, 'mcgwa'),
      links: [{ channel: 'general', irc: { network: 'local', channel: '#a' } }],
    });
    gwB = await IrcGateway.start({
      name: 'b',
      irc: network(peer.port, 'mcgwb'),
      links: [],
      bootstrap: [gwA.address],
    });
    const links = await gwA.api<{ links: { channel: string }[] }>('GET', '/api/v1/links');
    channel = links.links[0]?.channel ?? '';
    // B has never seen the channel: a member joining it by id fetches it from A.
    const watcher = await gwB.api<{ token: string }>('POST', '/api/v1/users', {
      username: 'watcher',
    });
    await until(
      () => gwB.api('POST', `/api/v1/channels/${channel}/join`, undefined, watcher.token),
      'B to fetch the channel',
    );
    await until(
      () =>
        gwB.api('POST', '/api/v1/links', {
          channel,
          network: 'irc',
          target: { network: 'local', channel: '#b' },
          createChannel: false,
        }),
      'the channel to reach gateway B',
    );
    await alice.waitForLine((l) => l.command === 'JOIN' && l.nick === 'mcgwa', 30_000);
    await reader.waitForLine((l) => l.command === 'JOIN' && l.nick === 'mcgwb', 30_000);

    const user = await gwA.api<{ id: string; token: string }>('POST', '/api/v1/users', {
      username: 'mira',
    });
    token = user.token;
    await gwA.api('POST', `/api/v1/channels/${channel}/join`, undefined, token);
  }, 180_000);

  afterAll(async () => {
    await alice?.quit().catch(() => undefined);
    await reader?.quit().catch(() => undefined);
    await gwB?.destroy();
    await gwA?.destroy();
    await peer?.stop();
  });

  describe('IRC ⇄ IRC through two gateways over P2P', () => {
    it('relays lines from #a to #b with the nick, in order, formatting kept', async () => {
      const lines = [
        'plain words',
        '\x02bold\x02 and \x1ditalic\x1d',
        'third ☃ line',
        'fourth',
        'fifth',
      ];
      for (const line of lines) alice.say('#a', line);
      const got = await reader.waitForMessages('#b', lines.length, 60_000);
      expect(got.map((m) => m.text)).toEqual(lines.map((l) => `<a${ZW}lice> ${l}`));
      expect(got.every((m) => m.nick === 'mcgwb')).toBe(true);
    });

    it('carries an edit and a reply made through the Multichat API', async () => {
      const before = reader.messagesIn('#b').length;
      const history = await gwA.api<{ messages: MessageJson[] }>(
        'GET',
        `/api/v1/channels/${channel}/messages?limit=50`,
        undefined,
        token,
      );
      const fromAlice = history.messages.find((m) => m.text === 'fourth');
      expect(fromAlice?.sender.username).toBe('alice');

      const posted = await gwA.api<MessageJson>(
        'POST',
        `/api/v1/channels/${channel}/messages`,
        { text: 'helo all' },
        token,
      );
      await reader.waitForMessages('#b', before + 1, 60_000);
      await gwA.api(
        'PATCH',
        `/api/v1/channels/${channel}/messages/${posted.id}`,
        { text: 'hello all' },
        token,
      );
      await reader.waitForMessages('#b', before + 2, 60_000);
      await gwA.api(
        'POST',
        `/api/v1/channels/${channel}/messages`,
        { text: 'I agree', replyTo: fromAlice?.id },
        token,
      );
      const got = (await reader.waitForMessages('#b', before + 3, 60_000)).slice(before);
      expect(got.map((m) => m.text)).toEqual([
        `<m${ZW}ira> helo all`,
        `<m${ZW}ira> (edit) hello all`,
        `<m${ZW}ira> alice: I agree`,
      ]);
      // Gateway A's own channel got the same, from its own bot.
      const inA = await alice.waitForMessages('#a', 3, 30_000);
      expect(inA.map((m) => m.text)).toEqual(got.map((m) => m.text));
    });

    it('loses no message when the IRC server restarts mid-stream', async () => {
      const tokens = Array.from({ length: 10 }, (_, i) => `stream ${i + 1}`);
      const start = reader.messagesIn('#b').length;
      for (const t of tokens) alice.say('#a', t);
      // Everything must be in Multichat before the server goes: IRC itself keeps nothing.
      await until(async () => {
        const h = await gwA.api<{ messages: MessageJson[] }>(
          'GET',
          `/api/v1/channels/${channel}/messages?limit=100`,
          undefined,
          token,
        );
        return h.messages.filter((m) => m.text?.startsWith('stream ')).length === tokens.length
          ? true
          : undefined;
      }, 'gateway A to ingest the stream');
      // B relays 4 lines at once, then one per 300 ms: restart with part of the stream still queued.
      await reader.waitForMessages('#b', start + 2, 60_000);
      readerLog.push(...reader.messagesIn('#b').slice(start));
      await peer.kill();
      await gwA.api(
        'POST',
        `/api/v1/channels/${channel}/messages`,
        { text: 'while IRC is down' },
        token,
      );
      await peer.restart();
      alice = await RawIrcClient.connect(peer.port, 'alice');
      await alice.join('#a');
      reader = await RawIrcClient.connect(peer.port, 'reader');
      await reader.join('#b');
      const want = [...tokens.map((t) => `<a${ZW}lice> ${t}`), `<m${ZW}ira> while IRC is down`];
      await reader.waitUntil(
        () =>
          want.every((w) => [...readerLog, ...reader.messagesIn('#b')].some((m) => m.text === w))
            ? true
            : undefined,
        90_000,
        'every streamed line in #b',
      );
      const seen = firstSeen([...readerLog, ...reader.messagesIn('#b')]);
      expect(seen.filter((t) => t.includes('stream '))).toEqual(want.slice(0, tokens.length));
      expect(seen).toContain(`<m${ZW}ira> while IRC is down`);
    }, 180_000);
  });
}
