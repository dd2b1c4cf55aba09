/**
 * Matrix history for live backfill and `multichat import matrix`, read by the bridge bot:
 * after a cursor (an event id) the token from `GET /rooms/{room}/context/{event}` and `GET
 * /rooms/{room}/messages?dir=f` from it; without one, `dir=b` from the newest event back to
 * `since` (or the room's start), then turned oldest first. Each event becomes what the live
 * transaction's event becomes (./inbound.ts with a collecting emit): messages with their files,
 * reactions, redactions; our own ghosts' and the bot's events are skipped there. An edit
 * (`m.replace`) arrives as an edit after its message, so the message reads with its final text.
 * An encrypted event (`m.room.encrypted`) is decrypted when encryption is on and its room key is
 * known; otherwise it is counted and logged with the reason (docs/matrix.md, "Encrypted rooms").
 */
import type { BackfillPage, InboundEvent, LinkTarget } from '../types.js';
import { MatrixHttpError, type MatrixApi } from './api.js';
import { MatrixHistoryAccessError } from './errors.js';
import type { RawEvent } from './host.js';
import type { InboundTranslator } from './inbound.js';

const PAGE = 100;

interface MessagesAnswer {
  readonly chunk?: RawEvent[];
  readonly end?: string;
}

export interface MatrixBackfillDeps {
  readonly api: MatrixApi;
  roomOf(target: LinkTarget): Promise<string>;
  translator(emit: (event: InboundEvent) => void): InboundTranslator;
  /**
   * Encryption on: the plaintext of an encrypted history event, or why it cannot be had.
   * Absent: encryption is off, and encrypted events are counted as such.
   */
  decrypt?(event: RawEvent): Promise<RawEvent | 'not-allowed' | 'no-key'>;
  /** Without `decrypt`: why (default `encryption-off`; the import says `no-store`). */
  readonly withoutDecrypt?: UndecryptedReason;
  /** Encrypted history events not carried, by reason, once per page. */
  undecrypted?(room: string, reason: UndecryptedReason, count: number): void;
}

/** Why an encrypted history event was not carried. */
export type UndecryptedReason = 'encryption-off' | 'not-allowed' | 'no-key' | 'no-store';

/** The words logged for each reason, so the log says what to change. */
export const UNDECRYPTED_WHY: Record<UndecryptedReason, string> = {
  'encryption-off': 'encrypted events in history not carried: encryption is off in the config',
  'not-allowed': 'encrypted events in history not carried: room not in encryption.allow',
  'no-key': 'encrypted events in history not carried: the bridge has no key for them',
  'no-store':
    'encrypted events in history not carried: import does not open the crypto store (live backfill decrypts)',
};

const tsOf = (e: RawEvent): number =>
  typeof e['origin_server_ts'] === 'number' ? e['origin_server_ts'] : 0;

export class MatrixBackfill {
  constructor(private readonly deps: MatrixBackfillDeps) {}

  async page(
    target: LinkTarget,
    cursor: string | undefined,
    limit: number,
    since?: number,
  ): Promise<BackfillPage> {
    const room = await this.deps.roomOf(target);
    const want = Math.max(1, limit);
    const from = cursor?.startsWith('$') ? await this.tokenAfter(room, cursor) : undefined;
    const raw =
      from !== undefined ? await this.forward(room, from, want) : await this.back(room, since);
    const fresh = raw.filter((e) => since === undefined || tsOf(e) >= since);
    const taken = fresh.slice(0, want);
    const events: InboundEvent[] = [];
    const translator = this.deps.translator((event) => void events.push(event));
    const times: number[] = [];
    const missed = new Map<UndecryptedReason, number>();
    for (const e of taken) {
      const plain = await this.plain({ ...e, room_id: room });
      if (typeof plain === 'string') missed.set(plain, (missed.get(plain) ?? 0) + 1);
      else await translator.event(plain);
      while (times.length < events.length) times.push(tsOf(e));
    }
    for (const [reason, count] of missed) this.deps.undecrypted?.(room, reason, count);
    const last = taken.at(-1);
    const more = fresh.length > taken.length || (from !== undefined && raw.length >= want);
    return last && more ? { events, times, cursor: String(last['event_id']) } : { events, times };
  }

  /** The event as the translator takes it: decrypted, or why an encrypted one cannot be. */
  private async plain(event: RawEvent): Promise<RawEvent | UndecryptedReason> {
    if (event.type !== 'm.room.encrypted') return event;
    if (!this.deps.decrypt) return this.deps.withoutDecrypt ?? 'encryption-off';
    return this.deps.decrypt(event);
  }

  /** The pagination token just after `eventId`; undefined when the event is not found. */
  private async tokenAfter(room: string, eventId: string): Promise<string | undefined> {
    try {
      const answer = await this.call<{ end?: string }>(
        room,
        `/_matrix/client/v3/rooms/${encodeURIComponent(room)}/context/${encodeURIComponent(eventId)}`,
        { limit: '0' },
      );
      return answer.end;
    } catch (error) {
      if (error instanceof MatrixHttpError && error.status === 404) return undefined;
      throw error;
    }
  }

  /** Events after `from`, oldest first, up to `want` of them. */
  private async forward(room: string, from: string, want: number): Promise<RawEvent[]> {
    const out: RawEvent[] = [];
    let token: string | undefined = from;
    while (token !== undefined && out.length < want) {
      const answer: MessagesAnswer = await this.messages(room, 'f', token, Math.min(PAGE, want));
      const chunk = answer.chunk ?? [];
      out.push(...chunk);
      token = chunk.length > 0 ? answer.end : undefined;
    }
    return out;
  }

  /** Events from the newest back to `since` (or the start), returned oldest first. */
  private async back(room: string, since: number | undefined): Promise<RawEvent[]> {
    const out: RawEvent[] = [];
    let token: string | undefined;
    for (;;) {
      const answer: MessagesAnswer = await this.messages(room, 'b', token, PAGE);
      const chunk = answer.chunk ?? [];
      out.push(...chunk);
      const oldest = chunk.at(-1);
      if (!answer.end || chunk.length === 0) break;
      if (since !== undefined && oldest && tsOf(oldest) < since) break;
      token = answer.end;
    }
    return out.reverse();
  }

  private messages(
    room: string,
    dir: 'f' | 'b',
    from: string | undefined,
    limit: number,
  ): Promise<MessagesAnswer> {
    return this.call<MessagesAnswer>(
      room,
      `/_matrix/client/v3/rooms/${encodeURIComponent(room)}/messages`,
      { dir, limit: String(limit), ...(from !== undefined && { from }) },
    );
  }

  private async call<T>(room: string, path: string, query: Record<string, string>): Promise<T> {
    try {
      return await this.deps.api.request<T>('GET', path, { query });
    } catch (error) {
      if (error instanceof MatrixHttpError && error.status === 403) {
        throw new MatrixHistoryAccessError(room, error.status, error.errcode);
      }
      throw error;
    }
  }
}
