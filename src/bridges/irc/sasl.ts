/**
 * What a SASL failure means for the bot. With `sasl` configured the operator wants the bot
 * logged in (a channel may be +R, services may guard its nick); irc-framework by default ends
 * CAP negotiation and registers unauthenticated, which would bridge under an unowned nick. The
 * connection instead treats every SASL failure as a refusal of the credentials: it disconnects
 * and stays `failed` (no reconnect: the server would refuse again) with this text as detail.
 */

/** irc-framework's `sasl failed` event. */
export interface SaslFailedEvent {
  readonly reason?: string;
  /** The server's text of 904/902 and the like. */
  readonly message?: string;
}

/** The failure as the health detail names it. */
export function saslRefusal(event: SaslFailedEvent): string {
  const said = event.message ? `: ${event.message}` : '';
  switch (event.reason) {
    case 'capability_missing':
      return 'SASL refused: the server offers no SASL (remove sasl or use nickserv)';
    case 'unsupported_mechanism':
      return 'SASL refused: the server does not offer SASL PLAIN';
    case 'nick_locked':
      return `SASL refused: the account is locked (902${said})`;
    case 'fail':
      return `SASL refused: login failed, check sasl.user and sasl.password (904${said})`;
    default:
      return `SASL refused: ${event.reason ?? 'unknown'}${said}`;
  }
}
