/**
 * The fake Gateway (public docs, "Topics → Gateway"): on connect it sends HELLO (op 10) with a
 * heartbeat interval; IDENTIFY (op 2) starts a session answered by READY (with `session_id` and
 * `resume_gateway_url`) and one GUILD_CREATE per guild; HEARTBEAT (op 1) is acknowledged with
 * op 11; RESUME (op 6) replays every dispatch after the client's sequence, then RESUMED, or
 * answers INVALID_SESSION (op 9, `d: false`) when the session is gone. Dispatches (op 0) carry a
 * sequence number per session and are kept while the socket is down, so a resume misses nothing.
 */
import type { WebSocket } from 'ws';
import type { FakeState, Json } from './state.js';

interface Payload {
  op: number;
  d?: unknown;
  s?: number | null;
  t?: string | null;
}

interface Session {
  readonly id: string;
  readonly intents: number;
  seq: number;
  /** Every dispatch of the session (bounded), for replay on RESUME. */
  readonly sent: Payload[];
  socket: WebSocket | undefined;
}

export interface GatewayStats {
  identifies: number;
  resumes: number;
  /** RESUMEs refused with INVALID_SESSION. */
  invalidResumes: number;
  heartbeats: number;
  /** Dispatches replayed on RESUME. */
  replayed: number;
  /** Intents of the last IDENTIFY. */
  lastIntents: number;
}

const MAX_KEPT = 2_000;

/** Gateway intents (bit values from the docs) an event needs; the session gets it only then. */
const GUILD_MEMBERS = 1 << 1;
const GUILD_MESSAGES = 1 << 9;
const GUILD_PRESENCES = 1 << 8;
const GUILD_MESSAGE_REACTIONS = 1 << 10;
const GUILD_MESSAGE_TYPING = 1 << 11;
/** Privileged: without it, message content, embeds and attachments arrive empty. */
const MESSAGE_CONTENT = 1 << 15;
const INTENT_OF: Readonly<Record<string, number>> = {
  MESSAGE_CREATE: GUILD_MESSAGES,
  MESSAGE_UPDATE: GUILD_MESSAGES,
  MESSAGE_DELETE: GUILD_MESSAGES,
  MESSAGE_DELETE_BULK: GUILD_MESSAGES,
  MESSAGE_REACTION_ADD: GUILD_MESSAGE_REACTIONS,
  MESSAGE_REACTION_REMOVE: GUILD_MESSAGE_REACTIONS,
  GUILD_MEMBER_ADD: GUILD_MEMBERS,
  GUILD_MEMBER_REMOVE: GUILD_MEMBERS,
  GUILD_MEMBER_UPDATE: GUILD_MEMBERS,
  TYPING_START: GUILD_MESSAGE_TYPING,
  PRESENCE_UPDATE: GUILD_PRESENCES,
};

export class FakeGateway {
  readonly stats: GatewayStats = {
    identifies: 0,
    resumes: 0,
    invalidResumes: 0,
    heartbeats: 0,
    replayed: 0,
    lastIntents: 0,
  };
  private readonly sessions = new Map<string, Session>();
  private readonly sockets = new Set<WebSocket>();

  constructor(
    private readonly state: FakeState,
    private readonly resumeUrl: () => string,
    private readonly heartbeatIntervalMs: number,
  ) {}

  /** A new socket: say HELLO and wait for IDENTIFY or RESUME. */
  accept(socket: WebSocket): void {
    this.sockets.add(socket);
    socket.on('close', () => {
      this.sockets.delete(socket);
      for (const s of this.sessions.values()) if (s.socket === socket) s.socket = undefined;
    });
    socket.on('message', (raw) => {
      let payload: Payload;
      try {
        payload = JSON.parse(String(raw)) as Payload;
      } catch {
        socket.close(4002, 'Decode error');
        return;
      }
      this.onPayload(socket, payload);
    });
    send(socket, { op: 10, d: { heartbeat_interval: this.heartbeatIntervalMs }, s: null, t: null });
  }

  /** Sends a dispatch event to every live session (kept for replay when its socket is down). */
  dispatch(t: string, d: Json): void {
    for (const session of this.sessions.values()) this.dispatchTo(session, t, d);
  }

  /** Closes every socket as a network fault would (sessions stay resumable). */
  dropSockets(code = 4000): void {
    for (const socket of this.sockets) socket.close(code, 'dropped by test');
  }

  /** Forgets every session: the next RESUME gets INVALID_SESSION and must IDENTIFY again. */
  invalidateSessions(): void {
    this.sessions.clear();
  }

  /** Asks connected clients to reconnect and resume (op 7). */
  requestReconnect(): void {
    for (const socket of this.sockets) send(socket, { op: 7, d: null, s: null, t: null });
  }

  /** Sessions with a connected socket. */
  connectedSessions(): number {
    return [...this.sessions.values()].filter((s) => s.socket !== undefined).length;
  }

  close(): void {
    for (const socket of this.sockets) socket.terminate();
    this.sessions.clear();
  }

  private onPayload(socket: WebSocket, payload: Payload): void {
    switch (payload.op) {
      case 1:
        this.stats.heartbeats++;
        send(socket, { op: 11, d: null, s: null, t: null });
        return;
      case 2:
        this.identify(socket, payload.d as { token?: string; intents?: number });
        return;
      case 6:
        this.resume(socket, payload.d as { token?: string; session_id?: string; seq?: number });
        return;
      default:
        // Presence updates (3), voice (4), member requests (8): accepted and ignored.
        return;
    }
  }

  private identify(socket: WebSocket, d: { token?: string; intents?: number }): void {
    if (d.token !== this.state.token && d.token !== `Bot ${this.state.token}`) {
      socket.close(4004, 'Authentication failed.');
      return;
    }
    this.stats.identifies++;
    this.stats.lastIntents = d.intents ?? 0;
    const session: Session = {
      id: this.state.ids.next(),
      intents: d.intents ?? 0,
      seq: 0,
      sent: [],
      socket,
    };
    this.sessions.set(session.id, session);
    this.dispatchTo(session, 'READY', {
      v: 10,
      user: this.state.bot,
      guilds: [...this.state.guilds.keys()].map((id) => ({ id, unavailable: true })),
      session_id: session.id,
      resume_gateway_url: this.resumeUrl(),
      shard: [0, 1],
      application: this.state.application,
    });
    for (const guild of this.state.guilds.values())
      this.dispatchTo(session, 'GUILD_CREATE', this.state.guildObject(guild));
  }

  private resume(
    socket: WebSocket,
    d: { token?: string; session_id?: string; seq?: number },
  ): void {
    const session = d.session_id === undefined ? undefined : this.sessions.get(d.session_id);
    if (!session || d.token?.replace(/^Bot /, '') !== this.state.token) {
      this.stats.invalidResumes++;
      send(socket, { op: 9, d: false, s: null, t: null });
      return;
    }
    this.stats.resumes++;
    session.socket = socket;
    const missed = session.sent.filter((p) => (p.s ?? 0) > (d.seq ?? 0));
    for (const p of missed) send(socket, p);
    this.stats.replayed += missed.length;
    this.dispatchTo(session, 'RESUMED', {});
  }

  private dispatchTo(session: Session, t: string, d: Json): void {
    const needed = INTENT_OF[t];
    if (needed !== undefined && (session.intents & needed) === 0) return;
    const withoutContent =
      (t === 'MESSAGE_CREATE' || t === 'MESSAGE_UPDATE') &&
      (session.intents & MESSAGE_CONTENT) === 0;
    const data = withoutContent ? { ...d, content: '', embeds: [], attachments: [] } : d;
    const payload: Payload = { op: 0, d: data, s: ++session.seq, t };
    session.sent.push(payload);
    if (session.sent.length > MAX_KEPT) session.sent.shift();
    if (session.socket) send(session.socket, payload);
  }
}

function send(socket: WebSocket, payload: Payload): void {
  if (socket.readyState === socket.OPEN) socket.send(JSON.stringify(payload));
}
