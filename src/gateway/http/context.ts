import type { Context } from 'hono';
import type { AccountLinks, TypingNotice } from '../../bridges/runtime/index.js';
import type { MultichatNode, UserView } from '../../core/types.js';
import type { MediaLinks } from '../media-links.js';
import type { StatusProviders } from '../status.js';
import { ForbiddenError } from './errors.js';

/** Who is calling: the admin token, or a native user's token. */
export type Auth = { readonly kind: 'admin' } | { readonly kind: 'user'; readonly user: UserView };

/** Logger subset the HTTP layer uses (pino's Logger satisfies it). */
export interface HttpLogger {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

/** Everything the routes need; built once by `createApp`. */
export interface AppDeps {
  readonly node: MultichatNode;
  /** Compared in constant time with the bearer token. */
  readonly adminToken: string;
  readonly logger: HttpLogger;
  readonly status: StatusProviders;
  /** Files: limits and links (createApp fills defaults when absent). */
  readonly media?: MediaDeps;
  /**
   * Account linking (the bridge runtime's `AccountLinks`): identities of profiles, link codes,
   * unlinking. Absent (an app built without the bridge runtime): profiles show no identities
   * and the link routes answer 404.
   */
  readonly accounts?: AccountDeps;
  /**
   * Bridged people typing in linked channels (the bridge runtime's `onTyping`), streamed as
   * `typing` events. Absent (no bridge runtime): no typing events.
   */
  readonly typing?: (listener: (notice: TypingNotice) => void) => () => void;
}

/** What the users routes need of account linking. */
export type AccountDeps = Pick<AccountLinks, 'issue' | 'unlink' | 'identitiesOf' | 'profileOf'>;

/** What the media routes need. */
export interface MediaDeps {
  /** Largest upload (`media.maxBytes`). */
  readonly maxBytes: number;
  /** Links to /api/v1/media/:hash, signed or not. */
  readonly links: MediaLinks;
  /** How long a read waits for peers to deliver a blob this node lacks (ms). */
  readonly fetchWaitMs: number;
}

/** hono environment of this app: the `auth` variable set by the auth middleware. */
export interface AppEnv {
  Variables: { auth: Auth };
}

export type AppContext = Context<AppEnv>;

/**
 * The user behind the token. The admin token is refused here: it authenticates the operator,
 * not a person, so it cannot send, join or react as anyone.
 */
export function requireUser(c: AppContext): UserView {
  const auth = c.get('auth');
  if (auth.kind === 'user') return auth.user;
  throw new ForbiddenError('user-token-required', 'admin token cannot act as a user');
}

/** Refuses user tokens on operator routes. */
export function requireAdmin(c: AppContext): void {
  if (c.get('auth').kind !== 'admin') {
    throw new ForbiddenError('admin-only', 'this route needs the admin token');
  }
}
