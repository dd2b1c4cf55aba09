/**
 * Socket Mode as the docs ("Using Socket Mode") describe it: `apps.connections.open` (app-level
 * token) returns a one-time `wss` URL; on connect the server sends `hello`; every event,
 * command or interaction arrives in an envelope (`envelope_id`, `type`, `payload`,
 * `accepts_response_payload`, `retry_attempt`, `retry_reason`) that the app must acknowledge
 * with `{envelope_id, payload?}`. An envelope not acknowledged when its connection goes away is
 * sent again, with `retry_attempt` raised, on the next connection. The server can ask the app
 * to reconnect with `{type: 'disconnect', reason: 'refresh_requested'}`, and pings the client.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';

export type EnvelopeType = 'events_api' | 'slash_commands' | 'interactive';

export interface Envelope {
  readonly envelope_id: string;
  readonly type: EnvelopeType;
  readonly payload: Record<string, unknown>;
  readonly accepts_response_payload: boolean;
  retry_attempt: number;
  retry_reason: string;
}

export interface SocketStats {
  connections: number;
  hellos: number;
  /** Envelopes written to a socket, re-sends included. */
  sent: number;
  resent: number;
  acks: number;
  /** Acks dropped because `dropAcks` was on (an ack lost on the way). */
  droppedAcks: number;
}

export class SocketModeServer {
  readonly stats: SocketStats = {
    connections: 0,
    hellos: 0,
    sent: 0,
    resent: 0,
    acks: 0,
    droppedAcks: 0,
  };
  /** Ack payloads by envelope id (a slash command's answer can ride on its ack). */
  readonly ackPayloads = new Map<string, unknown>();
  /** When true, acks are ignored, as if lost: the envelopes stay pending. */
  dropAcks = false;
  private readonly wss = new WebSocketServer({ noServer: true });
  private readonly tickets = new Set<string>();
  private readonly pending = new Map<string, Envelope>();
  /** Envelopes written at least once (a later send is a retry). */
  private readonly written = new Set<string>();
  private socket: WebSocket | undefined;
  private pinger: NodeJS.Timeout | undefined;

  constructor(
    private readonly baseWsUrl: () => string,
    private readonly appId: string,
    pingIntervalMs: number,
  ) {
    this.pinger = setInterval(() => this.socket?.ping(), pingIntervalMs);
  }

  /** The answer of `apps.connections.open`: a one-time URL. */
  open(): string {
    const ticket = randomUUID();
    this.tickets.add(ticket);
    return `${this.baseWsUrl()}/link/?ticket=${ticket}&app_id=${this.appId}`;
  }

  get connected(): boolean {
    return this.socket !== undefined;
  }

  /** Envelopes sent but not acknowledged. */
  get unacked(): number {
    return this.pending.size;
  }

  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const ticket = new URL(req.url ?? '/', 'http://x').searchParams.get('ticket') ?? '';
    if (!this.tickets.delete(ticket)) {
      socket.end('HTTP/1.1 401 Unauthorized\r\n\r\n');
      return;
    }
    this.wss.handleUpgrade(req, socket, head, (ws) => this.accept(ws));
  }

  /** Sends (or queues, while no app is connected) one envelope; resolves with its id. */
  /** Forgets undelivered envelopes, as Slack does once its retries are spent (the app was down). */
  dropPending(): void {
    this.pending.clear();
  }

  deliver(type: EnvelopeType, payload: Record<string, unknown>): string {
    const envelope: Envelope = {
      envelope_id: randomUUID(),
      type,
      payload,
      accepts_response_payload: type !== 'events_api',
      retry_attempt: 0,
      retry_reason: '',
    };
    this.pending.set(envelope.envelope_id, envelope);
    if (this.socket) this.write(this.socket, envelope);
    return envelope.envelope_id;
  }

  /** Asks the app to reconnect, as Slack does before recycling a connection. */
  refresh(reason: 'refresh_requested' | 'warning' | 'link_disabled' = 'refresh_requested'): void {
    this.socket?.send(
      JSON.stringify({ type: 'disconnect', reason, debug_info: { host: 'fake-slack' } }),
    );
  }

  /** Cuts the connection without a word (a network failure). */
  drop(): void {
    this.socket?.terminate();
  }

  close(): void {
    clearInterval(this.pinger);
    this.pinger = undefined;
    for (const client of this.wss.clients) client.terminate();
    this.wss.close();
  }

  private accept(ws: WebSocket): void {
    // One connection per app here: a newer one replaces the older.
    this.socket?.close(1000);
    this.socket = ws;
    this.stats.connections += 1;
    ws.on('message', (data) => this.onMessage(data.toString()));
    ws.on('close', () => {
      if (this.socket === ws) this.socket = undefined;
    });
    ws.send(
      JSON.stringify({
        type: 'hello',
        num_connections: 1,
        debug_info: { host: 'fake-slack', build_number: 1, approximate_connection_time: 18060 },
        connection_info: { app_id: this.appId },
      }),
    );
    this.stats.hellos += 1;
    // Whatever was not acknowledged on an earlier connection goes out again.
    for (const envelope of this.pending.values()) {
      if (this.written.has(envelope.envelope_id)) {
        envelope.retry_attempt += 1;
        envelope.retry_reason = 'timeout';
        this.stats.resent += 1;
      }
      this.write(ws, envelope);
    }
  }

  private write(ws: WebSocket, envelope: Envelope): void {
    this.stats.sent += 1;
    this.written.add(envelope.envelope_id);
    ws.send(JSON.stringify(envelope));
  }

  private onMessage(text: string): void {
    let message: { envelope_id?: unknown; payload?: unknown };
    try {
      message = JSON.parse(text) as typeof message;
    } catch {
      return;
    }
    if (typeof message.envelope_id !== 'string') return;
    if (this.dropAcks) {
      this.stats.droppedAcks += 1;
      return;
    }
    if (this.pending.delete(message.envelope_id)) {
      this.stats.acks += 1;
      this.ackPayloads.set(message.envelope_id, message.payload);
    }
  }
}
