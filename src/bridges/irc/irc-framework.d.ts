/**
 * The small part of irc-framework (which ships no types) that this adapter uses. Event payloads
 * are typed where they are read, in `events.ts`.
 */
declare module 'irc-framework' {
  interface ClientOptions {
    host: string;
    port: number;
    tls?: boolean;
    rejectUnauthorized?: boolean;
    nick: string;
    username?: string;
    gecos?: string;
    password?: string;
    account?: { account?: string; password?: string };
    /** End the connection when SASL fails during CAP negotiation (default false). */
    sasl_disconnect_on_fail?: boolean;
    auto_reconnect?: boolean;
    ping_interval?: number;
    ping_timeout?: number;
    version?: string;
    message_max_length?: number;
  }

  // eslint-disable-next-line @typescript-eslint/no-unused-vars -- used through `typeof Client`
  class Client {
    constructor(options?: ClientOptions);
    readonly connected: boolean;
    user: { nick: string; username: string; host: string };
    network: {
      options: Record<string, unknown>;
      supports(name: string): unknown;
      /** IRCv3 capabilities negotiated on this connection. */
      cap: { isEnabled(name: string): boolean };
    };
    connection: { write(line: string, callback?: () => void): boolean };
    connect(options?: ClientOptions): void;
    quit(message?: string): void;
    raw(...args: (string | number)[]): void;
    changeNick(nick: string): void;
    on(event: string, listener: (event: never) => void): this;
    removeAllListeners(event?: string): this;
  }

  const framework: { Client: typeof Client };
  export default framework;
}
