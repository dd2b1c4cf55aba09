/**
 * Errors of the bridge layer, one class per condition. Adapters throw `DeliveryError` from their
 * actions; the router decides from `permanent` and `retryAfterMs` whether to retry, wait or give
 * up. Everything else here is raised by the registry and the link manager; the HTTP layer maps
 * `code` to a status in one place.
 */

export abstract class BridgeError extends Error {
  abstract readonly code: string;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

export interface DeliveryErrorOptions {
  /** True when retrying cannot help (unknown channel, no permission, message too large). */
  readonly permanent?: boolean;
  /** The network asked us to wait this long (HTTP 429 `Retry-After`, IRC flood penalty). */
  readonly retryAfterMs?: number;
  readonly cause?: unknown;
}

/**
 * An action failed at the network. Transient unless `permanent`; with `retryAfterMs` the router
 * pauses every action of that adapter (the limit is per network, not per message) that long.
 */
export class DeliveryError extends BridgeError {
  readonly code = 'delivery_failed';
  readonly permanent: boolean;
  readonly retryAfterMs?: number;
  constructor(message: string, options: DeliveryErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.permanent = options.permanent ?? false;
    if (options.retryAfterMs !== undefined) this.retryAfterMs = options.retryAfterMs;
  }
}

/** A 429-like refusal: transient, with the wait the network asked for. */
export class RateLimitedError extends DeliveryError {
  constructor(retryAfterMs: number, message = `rate limited; retry after ${retryAfterMs} ms`) {
    super(message, { retryAfterMs });
  }
}

/** No bridge of this name exists in the registry (a typo in config or a link). */
export class UnknownNetworkError extends BridgeError {
  readonly code = 'unknown_network';
  constructor(
    readonly network: string,
    known: readonly string[],
  ) {
    super(`unknown bridge network "${network}"; known networks: ${known.join(', ')}`);
  }
}

/** The network is known but its adapter module could not be loaded (not built yet, SDK broken). */
export class AdapterLoadError extends BridgeError {
  readonly code = 'adapter_unavailable';
  constructor(
    readonly network: string,
    cause: unknown,
  ) {
    super(`the ${network} bridge adapter could not be loaded: ${describe(cause)}`, { cause });
  }
}

/** A link names a network with no configured (running) adapter. */
export class NetworkNotConfiguredError extends BridgeError {
  readonly code = 'invalid_request';
  constructor(
    readonly network: string,
    configured: readonly string[] = [],
  ) {
    super(
      `network "${network}" is not configured under bridges: in the gateway config; configured: ${configured.join(', ') || 'none'}`,
    );
  }
}

/** A link's target lacks a field the network needs, or the channel it names cannot be found. */
export class InvalidLinkError extends BridgeError {
  readonly code = 'invalid_request';
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}

/** One complaint of a target schema (a zod issue has this shape). */
export interface TargetIssue {
  readonly path: readonly PropertyKey[];
  readonly message: string;
  readonly code?: string;
  /** The extra fields, for `unrecognized_keys`. */
  readonly keys?: readonly string[];
}

/**
 * A link target that does not fit its network's target schema. `field` is the first bad field
 * (`target.channel`) and the message starts with it, so the HTTP 400, the CLI and the in-network
 * `/multichat` and `!mc` replies all say which field and why.
 */
export class InvalidLinkTargetError extends InvalidLinkError {
  constructor(
    field: string,
    readonly reason: string,
  ) {
    super(field, `${field}: ${reason}`);
  }

  /** From the first issue of a failed `safeParse` of the target. */
  static of(issues: readonly TargetIssue[]): InvalidLinkTargetError {
    const issue = issues[0];
    if (!issue) return new InvalidLinkTargetError('target', 'is not valid');
    const field = ['target', ...issue.path.map(String)].join('.');
    if (issue.code === 'unrecognized_keys' && issue.keys?.length) {
      return new InvalidLinkTargetError(
        `${field}.${issue.keys[0]}`,
        'is not a field of this target',
      );
    }
    return new InvalidLinkTargetError(field, issue.message);
  }
}

/**
 * The runtime was handed an adapter it cannot register: a second adapter under a name already
 * taken, or an adapter whose name differs from the network its builder announced.
 */
export class AdapterRegistrationError extends BridgeError {
  readonly code = 'adapter_registration';
}

/** The router was used before `start()` or after `stop()`. */
export class RouterStoppedError extends BridgeError {
  readonly code = 'unavailable';
  constructor() {
    super('the bridge router is not running');
  }
}

/** Text of an unknown thrown value, for log lines and `lastError`. */
export function describe(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}
