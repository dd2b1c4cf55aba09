/**
 * One running appservice session: the `matrix-appservice-bridge` controller (events in order per
 * room, ephemeral events, portal-room alias queries), `!mc` admin commands, and the parts the
 * adapter's actions use once the bridge listens.
 */
import type { Bridge, BridgeController } from 'matrix-appservice-bridge';
import type {
  AccountLinkControl,
  AdapterComponents,
  AdapterLogger,
  AdapterMemos,
  InboundEvent,
  NetworkName,
  PresenceUpdate,
  SenderDisplay,
  TypingUpdate,
} from '../types.js';
import { isAccountCommand, runAccountCommand } from './account-command.js';
import { isCommand, runCommand, type MatrixLinkControl } from './admin.js';
import type { MatrixApi } from './api.js';
import type { Ghosts } from './ghosts.js';
import type { AppserviceHost, RawEvent } from './host.js';
import { channelOfPortalAlias, personOfGhost } from './ids.js';
import { MemoMap } from '../memo/index.js';
import { InboundTranslator } from './inbound.js';
import type { HomeserverMedia } from './media-download.js';
import type { Outbound } from './outbound.js';
import type { RoleChangeEvent } from './power-levels.js';
import { Profiles } from './profiles.js';
import type { Rooms } from './rooms.js';
import type { MatrixAdapterConfig } from './config.js';
import { setGhostTyping, TypingIn } from './typing.js';

const PRESENCE = { online: 'online', away: 'unavailable', offline: 'offline' } as const;

/** What the session reads of its adapter; named here so session.ts does not import adapter.ts. */
export interface SessionAdapter {
  readonly name: NetworkName;
  readonly config: MatrixAdapterConfig;
  readonly botUserId: string;
}

export interface SessionDeps {
  readonly adapter: SessionAdapter;
  readonly api: MatrixApi;
  readonly host: AppserviceHost;
  /** Reads the homeserver's files for inbound attachments. */
  readonly media: HomeserverMedia;
  emit(event: InboundEvent): void;
  role(event: RoleChangeEvent): void;
  links(): MatrixLinkControl | undefined;
  /** Account linking for `!multichat link CODE` (absent: the command says it is off). */
  accounts?(): AccountLinkControl | undefined;
  readonly logger: AdapterLogger;
  /** Counts inbound events not emitted (`AdapterComponents.reportDrop`). */
  readonly reportDrop?: AdapterComponents['reportDrop'];
  /** Reactions seen, kept across restarts (`AdapterComponents.memos`; absent: memory only). */
  readonly memos?: AdapterMemos;
  /**
   * Encryption (on): `inbound` decrypts `m.room.encrypted` events before the commands are
   * looked for; the bot's answers in an encrypted room are encrypted.
   */
  readonly crypto?: {
    /** The plaintext, or undefined: not allowed, or no key yet (then `later` gets it). */
    inbound(event: RawEvent, later: (plain: RawEvent) => void): Promise<RawEvent | undefined>;
    mustEncrypt(roomId: string): Promise<boolean>;
    encrypt(
      roomId: string,
      type: string,
      content: Record<string, unknown>,
    ): Promise<Record<string, unknown>>;
  };
}

export class MatrixSession {
  readonly host: AppserviceHost;
  private readonly translator: InboundTranslator;
  private readonly typingIn: TypingIn;
  private readonly profiles: Profiles;
  /** Per room, the handling of its last event (events of a room are handled one at a time). */
  private readonly roomTurns = new Map<string, Promise<void>>();
  private bridge: Bridge | undefined;
  private parts: { ghosts: Ghosts; rooms: Rooms; outbound: Outbound } | undefined;
  /** Inbound files that were not carried (encrypted, no usable URI), since the start. */
  filesNotCarried = 0;

  constructor(private readonly deps: SessionDeps) {
    this.host = deps.host;
    const config = deps.adapter.config;
    const profiles = new Profiles(deps.api, config.homeserverUrl);
    this.profiles = profiles;
    this.typingIn = new TypingIn({
      naming: config,
      botUserId: deps.adapter.botUserId,
      sender: (userId) => profiles.sender(userId),
      emit: deps.emit,
    });
    this.translator = new InboundTranslator({
      naming: config,
      homeserverUrl: config.homeserverUrl,
      botUserId: deps.adapter.botUserId,
      profiles,
      emit: deps.emit,
      openMedia: (mxc) => deps.media.open(mxc),
      fileNotCarried: (reason, name, room) => {
        this.filesNotCarried++;
        deps.logger.warn({ reason, name, room }, 'matrix: file not carried');
      },
      role: deps.role,
      ghostLeft: (userId, roomId) => this.parts?.ghosts.forget(userId, roomId),
      warn: (obj, msg) => deps.logger.warn(obj, msg),
      ...(deps.reportDrop && { reportDrop: deps.reportDrop }),
      reactions: new MemoMap('matrix', 'reaction', deps.memos, deps.logger),
    });
  }

  attach(bridge: Bridge, ghosts: Ghosts, rooms: Rooms, outbound: Outbound): void {
    this.bridge = bridge;
    this.parts = { ghosts, rooms, outbound };
  }

  private get ready(): { ghosts: Ghosts; rooms: Rooms; outbound: Outbound } {
    if (!this.parts) throw new Error('the Matrix session is not listening yet');
    return this.parts;
  }

  get outbound(): Outbound {
    return this.ready.outbound;
  }

  get rooms(): Rooms {
    return this.ready.rooms;
  }

  controller(): BridgeController {
    return {
      onEvent: (request) => {
        const event = request.getData() as unknown as RawEvent;
        const room = String(event.room_id);
        // The library's perRequest waits only for the previous event's context, not for its
        // request: a clear m.reaction would overtake an encrypted edit still being decrypted.
        // So a room's next event waits here until this one is handed to emit.
        const run = (this.roomTurns.get(room) ?? Promise.resolve())
          .then(() => this.handle(event))
          .then(
            () => request.resolve(undefined),
            (error: unknown) => {
              this.deps.logger.warn({ err: (error as Error).message }, 'matrix event not bridged');
              request.resolve(undefined);
            },
          );
        this.roomTurns.set(room, run);
        void run.then(() => {
          if (this.roomTurns.get(room) === run) this.roomTurns.delete(room);
        });
      },
      onEphemeralEvent: (request) => {
        const event = request.getData() as unknown as RawEvent;
        void this.typingIn
          .handle(event)
          .then((typing) => (typing ? undefined : this.translator.ephemeral(event)))
          .catch(() => undefined);
      },
      onAliasQuery: (alias: string) => this.portalQuery(alias),
      onAliasQueried: (alias: string, roomId: string) => this.portalCreated(alias, roomId),
      onLog: (text: string, isError: boolean) =>
        isError ? this.deps.logger.warn({ lib: text }, 'matrix library') : undefined,
    };
  }

  private async handle(received: RawEvent): Promise<void> {
    let event = received;
    if (event.type === 'm.room.encrypted' && this.deps.crypto) {
      // Decrypted first, so a command typed in an encrypted room runs instead of being relayed.
      const plain = await this.deps.crypto.inbound(event, (late) => {
        this.handle(late).catch((error: unknown) =>
          this.deps.logger.warn({ err: (error as Error).message }, 'matrix event not bridged'),
        );
      });
      if (!plain) return;
      event = plain;
    }
    const content = (event['content'] ?? {}) as Record<string, unknown>;
    const bot = this.deps.adapter.botUserId;
    const sender = String(event.sender);
    const ours = sender === bot || personOfGhost(this.deps.adapter.config, sender) !== undefined;
    if (
      event.type === 'm.room.message' &&
      typeof content['body'] === 'string' &&
      isAccountCommand(content['body']) &&
      !ours // a ghost relays what someone typed elsewhere: never link it
    ) {
      await this.accountCommand(event, content['body']);
      return;
    }
    if (
      event.type === 'm.room.message' &&
      typeof content['body'] === 'string' &&
      isCommand(content['body'].trim())
    ) {
      await this.command(event, content['body']);
      return;
    }
    if (
      event.type === 'm.room.member' &&
      event['state_key'] === bot &&
      content['membership'] === 'invite'
    ) {
      const admins = this.deps.adapter.config.admins;
      if (admins.length === 0 || admins.includes(String(event.sender)))
        await this.ready.ghosts.join(bot, String(event.room_id));
      return;
    }
    await this.translator.event(event);
  }

  /** `!multichat link CODE`: the reply is a notice from the bot in the same room. */
  private async accountCommand(event: RawEvent, body: string): Promise<void> {
    const roomId = String(event.room_id);
    const person = await this.profiles.sender(String(event.sender));
    const reply = await runAccountCommand(body, person, this.deps.accounts?.());
    await this.notice(roomId, reply, `acct-${String(event['event_id'])}`);
  }

  private async command(event: RawEvent, body: string): Promise<void> {
    const roomId = String(event.room_id);
    const reply = await runCommand(body.trim(), {
      network: this.deps.adapter.name,
      roomId,
      sender: String(event.sender),
      admins: this.deps.adapter.config.admins,
      links: this.deps.links(),
      resolve: (room) => this.rooms.resolve({ room }),
    });
    await this.notice(roomId, reply, `cmd-${String(event['event_id'])}`);
  }

  /** The bot's answer in the room: encrypted in an encrypted room, never in clear there. */
  private async notice(roomId: string, body: string, txn: string): Promise<void> {
    const content = { msgtype: 'm.notice', body };
    const crypto = this.deps.crypto;
    if (crypto && (await crypto.mustEncrypt(roomId))) {
      const sealed = await crypto.encrypt(roomId, 'm.room.message', content);
      await this.deps.api.sendEvent(roomId, 'm.room.encrypted', sealed, txn);
    } else await this.deps.api.sendEvent(roomId, 'm.room.message', content, txn);
  }

  /** A Matrix user asked for `#<prefix>channel:domain`: create the portal room if links can be made. */
  private portalQuery(alias: string): { creationOpts: Record<string, unknown> } | undefined {
    const channel = channelOfPortalAlias(this.deps.adapter.config, alias);
    if (channel === undefined || !this.deps.links()) return undefined;
    return {
      creationOpts: {
        room_alias_name: alias.slice(1, alias.indexOf(':')),
        name: channel,
        topic: `Bridged to the Multichat channel ${channel}`,
        preset: 'public_chat',
        visibility: 'private',
      },
    };
  }

  private async portalCreated(alias: string, roomId: string): Promise<void> {
    const channel = channelOfPortalAlias(this.deps.adapter.config, alias);
    const links = this.deps.links();
    if (channel === undefined || !links) return;
    await links.create({ channel, network: this.deps.adapter.name, target: { room: roomId } });
    this.deps.logger.info({ alias, roomId, channel }, 'portal room created and linked');
  }

  /** A bridged person's new name or avatar, shown on their ghost right away. */
  async updateProfile(sender: SenderDisplay): Promise<void> {
    await this.ready.ghosts.refresh(sender);
  }

  async presence(update: PresenceUpdate): Promise<void> {
    const { ghosts } = this.ready;
    const userId = ghosts.userIdOf(update.sender);
    await ghosts.syncProfile(userId, update.sender);
    const body = {
      presence: PRESENCE[update.status],
      ...(update.text !== undefined && { status_msg: update.text }),
    };
    await this.deps.api.request(
      'PUT',
      `/_matrix/client/v3/presence/${encodeURIComponent(userId)}/status`,
      { body, asUser: userId },
    );
  }

  /** Shows the ghost typing in the target's room (./typing.ts). */
  typing(update: TypingUpdate): Promise<void> {
    const { ghosts, rooms } = this.ready;
    return setGhostTyping({ api: this.deps.api, ghosts, roomOf: (t) => rooms.roomOf(t) }, update);
  }

  async close(): Promise<void> {
    this.parts?.ghosts.close();
    await this.bridge?.close().catch(() => undefined);
    await this.host.close();
  }
}
