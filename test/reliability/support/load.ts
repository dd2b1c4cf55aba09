/**
 * Load and accounting of the reliability suites: post numbered texts with a few requests in
 * flight, remember which ones the API acknowledged with 201, and count what arrived where.
 */
import type { KillableGateway } from './killable-gateway.js';

/** How many messages a kill-under-load run sends: bounded in CI, 10,000 for `npm run soak`. */
export const LOAD_MESSAGES = Number(process.env['RELIABILITY_MESSAGES'] ?? 1000);

export interface Posted {
  /** Texts acknowledged with 201, in acknowledgement order. */
  readonly acked: string[];
  /** Texts whose request failed (connection reset by the kill, or a non-201 answer). */
  readonly failed: string[];
}

/**
 * Posts `texts` to `channel` as `token`, `concurrency` at a time, until all are sent or a request
 * fails with the connection gone; calls `onAck` after each 201.
 */
export async function postAll(
  gateway: KillableGateway,
  token: string,
  channel: string,
  texts: readonly string[],
  onAck: (count: number) => void = () => undefined,
  concurrency = 8,
): Promise<Posted> {
  const acked: string[] = [];
  const failed: string[] = [];
  let next = 0;
  let gone = false;
  const worker = async (): Promise<void> => {
    while (!gone && next < texts.length) {
      const text = texts[next++] as string;
      try {
        const answer = await gateway.api(
          'POST',
          `/api/v1/channels/${channel}/messages`,
          { text },
          token,
        );
        if (answer.status === 201) {
          acked.push(text);
          onAck(acked.length);
        } else failed.push(text);
      } catch {
        failed.push(text);
        gone = true;
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return { acked, failed };
}

export interface MessageJson {
  readonly id: string;
  readonly text: string | null;
}

/** A channel's whole history through the API, oldest first. */
export async function historyOf(
  gateway: KillableGateway,
  token: string,
  channel: string,
): Promise<MessageJson[]> {
  let all: MessageJson[] = [];
  for (;;) {
    const before = all.length ? `&before=${all[0]!.id}` : '';
    const page = await gateway.ok<{ messages: MessageJson[] }>(
      'GET',
      `/api/v1/channels/${channel}/messages?limit=500${before}`,
      undefined,
      token,
    );
    all = [...page.messages, ...all];
    if (page.messages.length < 500) return all;
  }
}

export interface Tally {
  /** Expected texts not seen at all. */
  readonly lost: string[];
  /** Expected texts seen more than once (each listed once). */
  readonly duplicated: string[];
  /** Seen texts of this run that were not expected (sent but not acknowledged: allowed). */
  readonly extra: number;
}

/** Compares what was expected with what a reader saw (texts of other runs are ignored). */
export function tally(expected: readonly string[], seen: readonly string[], prefix: string): Tally {
  const counts = new Map<string, number>();
  for (const text of seen)
    if (text.startsWith(prefix)) counts.set(text, (counts.get(text) ?? 0) + 1);
  const want = new Set(expected);
  return {
    lost: expected.filter((t) => !counts.has(t)),
    duplicated: [...counts].filter(([, n]) => n > 1).map(([t]) => t),
    extra: [...counts.keys()].filter((t) => !want.has(t)).length,
  };
}

/** `count` distinct texts `<prefix><i>`. */
export function numbered(prefix: string, count: number): string[] {
  return Array.from({ length: count }, (_, i) => `${prefix}${i}`);
}
