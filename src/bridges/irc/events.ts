/** Payloads of the irc-framework events the adapter reads (the library ships no types). */

export interface MessageEvent {
  readonly nick?: string;
  readonly ident?: string;
  readonly hostname?: string;
  readonly target: string;
  readonly message: string;
  readonly from_server?: boolean;
  readonly tags?: Record<string, string>;
}

export interface JoinEvent {
  readonly nick: string;
  readonly ident: string;
  readonly hostname: string;
  readonly channel: string;
  readonly gecos?: string;
}

export interface PartEvent {
  readonly nick: string;
  readonly channel: string;
  readonly message?: string;
}

export interface KickEvent {
  readonly nick: string;
  readonly kicked: string;
  readonly channel: string;
  readonly message?: string;
}

export interface QuitEvent {
  readonly nick: string;
  readonly message?: string;
}

export interface NickEvent {
  readonly nick: string;
  readonly new_nick: string;
}

export interface TopicEvent {
  readonly nick?: string;
  readonly channel: string;
  readonly topic: string;
}

export interface ModeEvent {
  readonly nick: string;
  readonly target: string;
  readonly modes: readonly { readonly mode: string; readonly param?: string }[];
}

export interface UserlistEvent {
  readonly channel: string;
  readonly users: readonly { readonly nick: string; readonly modes: readonly string[] }[];
}

export interface IrcErrorEvent {
  readonly error: string;
  readonly channel?: string;
  readonly nick?: string;
  readonly reason?: string;
}

export interface PongEvent {
  readonly message: string;
}
