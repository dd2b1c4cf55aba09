import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { newSecretToken } from '../core/secret-token.js';
import { AdminTokenTooShortError } from './errors.js';

/** Shortest admin token accepted, from the config or the file (a generated one has 43). */
export const MIN_ADMIN_TOKEN_LENGTH = 32;

/** Where the generated admin token lives unless `http.adminToken` is configured. */
export function adminTokenPath(dataDir: string): string {
  return join(dataDir, 'admin-token');
}

export type AdminTokenSource =
  { kind: 'config' } | { kind: 'file'; path: string; created: boolean };

/**
 * The admin token: `configured` if given, else the one in `<dataDir>/admin-token`, created on
 * first start (32 random bytes, base64url, mode 0600, never overwritten).
 */
export async function ensureAdminToken(
  dataDir: string,
  configured: string | undefined,
): Promise<{ token: string; source: AdminTokenSource }> {
  if (configured !== undefined) return { token: configured, source: { kind: 'config' } };
  const path = adminTokenPath(dataDir);
  const existing = await readToken(path);
  if (existing !== undefined) {
    if (existing.length < MIN_ADMIN_TOKEN_LENGTH)
      throw new AdminTokenTooShortError(path, MIN_ADMIN_TOKEN_LENGTH);
    return { token: existing, source: { kind: 'file', path, created: false } };
  }
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  const token = newSecretToken();
  try {
    await writeFile(path, `${token}\n`, { mode: 0o600, flag: 'wx' });
  } catch (err) {
    // Another process created it between our read and write: use theirs.
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    const raced = await readToken(path);
    if (raced !== undefined)
      return { token: raced, source: { kind: 'file', path, created: false } };
    throw err;
  }
  return { token, source: { kind: 'file', path, created: true } };
}

/** The token in the file, or undefined when the file is missing or empty. */
export async function readToken(path: string): Promise<string | undefined> {
  try {
    const text = (await readFile(path, 'utf8')).trim();
    return text === '' ? undefined : text;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}
