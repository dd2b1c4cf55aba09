/**
 * Issue 23, the API under overload: gateway B takes posts from 16 clients while it ingests its
 * P2P peer A's stream, and is frozen (SIGSTOP, as a long GC or a heap snapshot freezes it) for
 * longer than its keep-alive timeout, twice. Every answer is a 201, or a refusal the client can
 * act on (429 or 503 with a JSON error and Retry-After): never a reset connection, a timeout or
 * a 5xx without a body. Every post answered 201 is stored exactly once; a refused one is not
 * stored. Before src/gateway/http/keep-alive.ts each freeze reset ~11 posts (ECONNRESET, not
 * stored): the keep-alive timer of a connection fired before the request already sent on it was
 * read, and Node destroyed the connection (the soak's unexplained non-201 posts, 166 of 6,002).
 */
import { afterAll, describe, expect, it } from 'vitest';
import { eventually } from '../support/eventually.js';
import { KillableGateway } from './support/killable-gateway.js';
import { historyOf, numbered, tally } from './support/load.js';

const POSTS = Number(process.env['RELIABILITY_OVERLOAD_POSTS'] ?? 1000);
const CLIENTS = 16;
/** Longer than Node's keep-alive timeout (5 s) plus its 1 s margin. */
const FREEZE_MS = 7_000;

const gateways: KillableGateway[] = [];
afterAll(async () => {
  for (const g of gateways) await g.destroy();
});

interface Answer {
  readonly text: string;
  /** `201`, `503 overloaded retry-after=1`, `error ECONNRESET`… */
  readonly outcome: string;
  readonly ok: boolean;
  readonly ms: number;
}

/** One post; a refusal is acceptable only with a JSON error body and a Retry-After. */
async function post(b: KillableGateway, token: string, channel: string, text: string) {
  const started = performance.now();
  const done = (outcome: string, ok: boolean): Answer => ({
    text,
    outcome,
    ok,
    ms: performance.now() - started,
  });
  try {
    const res = await fetch(`${b.httpUrl}/api/v1/channels/${channel}/messages`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ text }),
      signal: AbortSignal.timeout(60_000),
    });
    const body = await res.text();
    if (res.status === 201) return done('201', true);
    const code = (JSON.parse(body || '{}') as { error?: { code?: string } }).error?.code;
    const retry = res.headers.get('retry-after');
    const clear = (res.status === 429 || res.status === 503) && code !== undefined && !!retry;
    return done(`${res.status} ${code ?? body.slice(0, 80)} retry-after=${retry}`, clear);
  } catch (error) {
    const e = error as Error & { cause?: { code?: string } };
    return done(`error ${e.cause?.code ?? e.name}`, false);
  }
}

describe('the API of a gateway frozen under load', () => {
  it('answers every post with 201 or a clear refusal, and stores every 201 once', async () => {
    const a = await KillableGateway.start({ name: 'overload-a' });
    gateways.push(a);
    const b = await KillableGateway.start({ name: 'overload-b', bootstrap: [a.address] });
    gateways.push(b);
    const al = await a.ok<{ token: string }>('POST', '/api/v1/users', { username: 'al' });
    const bo = await b.ok<{ token: string }>('POST', '/api/v1/users', { username: 'bo' });
    const channel = (
      await a.ok<{ id: string }>('POST', '/api/v1/channels', { name: 'load' }, al.token)
    ).id;
    await eventually(
      async () =>
        (await b.api('POST', `/api/v1/channels/${channel}/join`, undefined, bo.token)).status ===
        200,
      { what: 'B joins the channel', timeoutMs: 30_000, intervalMs: 200 },
    );

    // A's own writes reach B over P2P all along.
    let loading = true;
    let fromA = 0;
    const aLoad = (async () => {
      while (loading) {
        const text = `from a ${fromA++}`;
        await a.api('POST', `/api/v1/channels/${channel}/messages`, { text }, al.token);
      }
    })();

    const texts = numbered('overload ', POSTS);
    const answers: Answer[] = [];
    const freezes: Promise<void>[] = [];
    let next = 0;
    const freezeAt = new Set([Math.floor(POSTS / 3), Math.floor((POSTS * 2) / 3)]);
    const freeze = async (): Promise<void> => {
      b.signal('SIGSTOP');
      await new Promise((r) => setTimeout(r, FREEZE_MS)); // the stall itself, not a check
      b.signal('SIGCONT');
    };
    await Promise.all(
      Array.from({ length: CLIENTS }, async () => {
        while (next < texts.length) {
          const i = next++;
          if (freezeAt.has(i)) freezes.push(freeze());
          answers.push(await post(b, bo.token, channel, texts[i]!));
        }
      }),
    );
    await Promise.all(freezes);
    loading = false;
    await aLoad;

    const seen = (await historyOf(b, bo.token, channel)).map((m) => m.text ?? '');
    const acked = answers.filter((x) => x.outcome === '201').map((x) => x.text);
    const result = tally(acked, seen, 'overload ');
    const stored = new Set(seen);
    const refusedButStored = answers.filter((x) => x.outcome !== '201' && stored.has(x.text));
    const outcomes: Record<string, number> = {};
    for (const x of answers) outcomes[x.outcome] = (outcomes[x.outcome] ?? 0) + 1;
    const ms = answers.map((x) => x.ms).sort((x, y) => x - y);
    console.log(
      JSON.stringify({
        scenario: 'API posts to a gateway frozen twice for 7 s while ingesting P2P',
        posts: POSTS,
        clients: CLIENTS,
        fromA,
        outcomes,
        lost: result.lost.length,
        duplicated: result.duplicated.length,
        refusedButStored: refusedButStored.length,
        answerMsP50: Math.round(ms[Math.floor(ms.length / 2)] ?? 0),
        answerMsMax: Math.round(ms.at(-1) ?? 0),
      }),
    );
    expect(answers).toHaveLength(POSTS);
    expect(answers.filter((x) => !x.ok).map((x) => `${x.text}: ${x.outcome}`)).toEqual([]);
    expect(result.lost).toEqual([]);
    expect(result.duplicated).toEqual([]);
    expect(refusedButStored.map((x) => x.text)).toEqual([]);
  }, 120_000);
});
