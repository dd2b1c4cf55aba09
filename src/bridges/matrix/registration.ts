/**
 * The appservice registration: built from the config (`multichat matrix-registration`), read
 * back at start, and compared field by field so a gateway whose config drifted from what the
 * homeserver loaded refuses to start instead of silently losing events.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { parse, stringify } from 'yaml';
import { appserviceUrl, type MatrixAdapterConfig } from './config.js';
import { RegistrationFileError, RegistrationMismatchError } from './errors.js';

interface Namespace {
  readonly regex: string;
  readonly exclusive: boolean;
}

/** The registration as the homeserver reads it (snake_case, as in the spec). */
export interface Registration {
  readonly id: string;
  readonly url: string;
  readonly as_token: string;
  readonly hs_token: string;
  readonly sender_localpart: string;
  readonly rate_limited: boolean;
  readonly receive_ephemeral: boolean;
  /** MSC3202: one-time-key counts and device lists in transactions (encryption only). */
  readonly 'org.matrix.msc3202'?: boolean;
  /** MSC4190: the appservice makes its users' devices (encryption only). */
  readonly 'io.element.msc4190'?: boolean;
  readonly namespaces: {
    readonly users: readonly Namespace[];
    readonly aliases: readonly Namespace[];
    readonly rooms: readonly Namespace[];
  };
}

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Exclusive namespace of ghost user ids: `@<prefix>…:<domain>`. */
export function userRegex(config: Pick<MatrixAdapterConfig, 'userPrefix' | 'domain'>): string {
  return `@${escapeRegex(config.userPrefix)}.*:${escapeRegex(config.domain)}`;
}

/** Exclusive namespace of portal room aliases: `#<prefix>…:<domain>`. */
export function aliasRegex(config: Pick<MatrixAdapterConfig, 'userPrefix' | 'domain'>): string {
  return `#${escapeRegex(config.userPrefix)}.*:${escapeRegex(config.domain)}`;
}

function token(): string {
  return randomBytes(32).toString('base64url');
}

/**
 * A registration for `config`. Tokens come from `previous` when given (re-running the command
 * after a config change must not invalidate what the homeserver already has), else fresh ones.
 */
export function buildRegistration(
  config: MatrixAdapterConfig,
  previous?: Pick<Registration, 'as_token' | 'hs_token'>,
): Registration {
  return {
    id: config.id,
    url: appserviceUrl(config),
    as_token: previous?.as_token ?? token(),
    hs_token: previous?.hs_token ?? token(),
    sender_localpart: config.senderLocalpart,
    rate_limited: false,
    receive_ephemeral: true,
    // Encryption needs the bot's device fed by transactions (docs/matrix.md, "Encrypted rooms").
    ...(config.encryption.enabled && {
      'org.matrix.msc3202': true,
      'io.element.msc4190': true,
    }),
    namespaces: {
      users: [{ regex: userRegex(config), exclusive: true }],
      aliases: [{ regex: aliasRegex(config), exclusive: true }],
      rooms: [],
    },
  };
}

/** YAML text of a registration, with a header saying where it came from. */
export function registrationYaml(registration: Registration): string {
  // Encryption needs more than this file: say what the homeserver must turn on.
  const encryption = registration['org.matrix.msc3202']
    ? '# Encryption is on: Synapse also needs experimental_features msc2409_to_device_messages_enabled\n# and msc3202_transaction_extensions set to true (docs/matrix.md, "Encrypted rooms").\n'
    : '';
  return `# Matrix appservice registration written by \`multichat matrix-registration\`.\n# Give this file to the homeserver (Synapse: app_service_config_files) and keep it secret.\n${encryption}${stringify(registration)}`;
}

function isNamespaceList(value: unknown): value is Namespace[] {
  return (
    Array.isArray(value) &&
    value.every(
      (n) => typeof n === 'object' && n !== null && typeof (n as Namespace).regex === 'string',
    )
  );
}

/** Parses registration YAML. @throws RegistrationFileError when a required field is missing. */
export function parseRegistration(text: string, path: string): Registration {
  let raw: unknown;
  try {
    raw = parse(text);
  } catch (error) {
    throw new RegistrationFileError(path, `not valid YAML: ${(error as Error).message}`, {
      cause: error,
    });
  }
  if (typeof raw !== 'object' || raw === null)
    throw new RegistrationFileError(path, 'not a mapping');
  const r = raw as Record<string, unknown>;
  for (const key of ['id', 'url', 'as_token', 'hs_token', 'sender_localpart']) {
    if (typeof r[key] !== 'string' || r[key] === '')
      throw new RegistrationFileError(path, `missing "${key}"`);
  }
  const ns = (r['namespaces'] ?? {}) as Record<string, unknown>;
  const list = (key: string): Namespace[] => {
    const value = ns[key] ?? [];
    if (!isNamespaceList(value))
      throw new RegistrationFileError(
        path,
        `namespaces.${key} must be a list of {regex, exclusive}`,
      );
    return value.map((n) => ({ regex: n.regex, exclusive: n.exclusive === true }));
  };
  return {
    id: r['id'] as string,
    url: r['url'] as string,
    as_token: r['as_token'] as string,
    hs_token: r['hs_token'] as string,
    sender_localpart: r['sender_localpart'] as string,
    rate_limited: r['rate_limited'] === true,
    receive_ephemeral: r['receive_ephemeral'] === true,
    ...(r['org.matrix.msc3202'] === true && { 'org.matrix.msc3202': true }),
    ...(r['io.element.msc4190'] === true && { 'io.element.msc4190': true }),
    namespaces: { users: list('users'), aliases: list('aliases'), rooms: list('rooms') },
  };
}

/** Reads and parses the registration file. @throws RegistrationFileError */
export async function readRegistration(path: string): Promise<Registration> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new RegistrationFileError(
      path,
      `cannot read: ${(error as Error).message} (write it with \`multichat matrix-registration\`)`,
      { cause: error },
    );
  }
  return parseRegistration(text, path);
}

/**
 * Checks that `registration` is what `config` implies: id, url, sender_localpart, rate_limited,
 * receive_ephemeral, the encryption fields when encryption is on, and the exclusive user and alias
 * namespaces.
 * @throws RegistrationMismatchError naming the first field that differs.
 */
export function compareRegistration(
  config: MatrixAdapterConfig,
  registration: Registration,
  path: string,
): void {
  const expected = buildRegistration(config, registration);
  const check = (field: string, want: string, have: string): void => {
    if (want !== have) throw new RegistrationMismatchError(field, want, have, path);
  };
  check('id', expected.id, registration.id);
  check('url', expected.url, registration.url.replace(/\/+$/, ''));
  check('sender_localpart', expected.sender_localpart, registration.sender_localpart);
  check('rate_limited', 'false', String(registration.rate_limited));
  check('receive_ephemeral', 'true', String(registration.receive_ephemeral));
  if (config.encryption.enabled)
    for (const field of ['org.matrix.msc3202', 'io.element.msc4190'] as const)
      check(field, 'true', String(registration[field] === true));
  for (const kind of ['users', 'aliases'] as const) {
    const want = expected.namespaces[kind][0] as Namespace;
    const found = registration.namespaces[kind].find((n) => n.regex === want.regex);
    const have =
      registration.namespaces[kind]
        .map((n) => `${n.regex}${n.exclusive ? ' (exclusive)' : ''}`)
        .join(', ') || 'none';
    check(
      `namespaces.${kind}`,
      `${want.regex} (exclusive)`,
      found?.exclusive ? `${found.regex} (exclusive)` : have,
    );
  }
}

/** Reads the registration and compares it with the config. @throws RegistrationFileError, RegistrationMismatchError */
export async function verifyRegistration(config: MatrixAdapterConfig): Promise<Registration> {
  const registration = await readRegistration(config.registration);
  compareRegistration(config, registration, config.registration);
  return registration;
}

/**
 * `verifyRegistration` without awaiting: `createAdapter` runs it so a gateway whose config and
 * registration disagree refuses to start (the router would only mark a failing `start()` as a
 * health state). One small file read. @throws RegistrationFileError, RegistrationMismatchError
 */
export function verifyRegistrationSync(config: MatrixAdapterConfig): Registration {
  let text: string;
  try {
    text = readFileSync(config.registration, 'utf8');
  } catch (error) {
    throw new RegistrationFileError(
      config.registration,
      `cannot read: ${(error as Error).message} (write it with \`multichat matrix-registration\`)`,
      { cause: error },
    );
  }
  const registration = parseRegistration(text, config.registration);
  compareRegistration(config, registration, config.registration);
  return registration;
}
