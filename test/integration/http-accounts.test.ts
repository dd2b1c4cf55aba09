/**
 * Account linking over the HTTP API: POST /users/me/link-codes, the code entered on a network
 * (through the runtime's control, as an adapter's command does), GET /users/:id identities with
 * linkedAt, GET /users?network=&externalId=, DELETE /users/me/identities/:network/:externalId.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { ExternalUserId, NetworkName } from '../../src/bridges/types.js';
import { createApp } from '../../src/gateway/http/app.js';
import { allowNativeSkips } from '../support/native-skips.js';
import { startHarness, type Harness } from '../unit/router/harness.js';

const ADMIN = 'http-accounts-admin-token-0123456789';
const quiet = { debug() {}, info() {}, warn() {}, error() {} };
const main = { channel: 'main' };
const bobOnB = { externalId: 'bob' as ExternalUserId, displayName: 'Bob B' };

let h: Harness;
let aliceToken: string;
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- answers are indexed freely
type Json = any;
let call: (method: string, path: string, token?: string) => Promise<{ status: number; json: Json }>;

beforeAll(async () => {
  // Membership and roles carried, so the joins linking causes are deliveries, not drops.
  const capabilities = { membership: true, roles: true };
  h = await startHarness([
    { name: 'a', capabilities },
    { name: 'b', capabilities },
  ]);
  aliceToken = (await h.node.createLocalUser('alice2')).token;
  const { app } = createApp({
    node: h.node,
    adminToken: ADMIN,
    logger: quiet,
    status: {},
    accounts: h.runtime.accounts,
  });
  call = async (method, path, token = aliceToken) => {
    const res = await app.request(path, { method, headers: { authorization: `Bearer ${token}` } });
    const type = res.headers.get('content-type') ?? '';
    return { status: res.status, json: type.includes('json') ? await res.json() : {} };
  };
});

describe('account linking API', () => {
  it('issues a code, shows the linked identity, finds the profile by it, unlinks', async () => {
    allowNativeSkips(h, 'b');
    const me = (await call('GET', '/api/v1/users/me')).json;
    expect(me.identities).toEqual([]);

    const issued = await call('POST', '/api/v1/users/me/link-codes');
    expect(issued.status).toBe(201);
    const code = issued.json.code as string;
    expect(code).toMatch(/^[0-9A-Z]{5}-[0-9A-Z]{5}$/);
    expect(Date.parse(issued.json.expiresAt as string)).toBe(h.clock.now() + 600_000);

    const control = h.runtime.accounts.controlFor('b' as NetworkName);
    await control.redeemCode(bobOnB, code);
    await h.adapter('b').receive(main, 'bob', 'hello as alice2');
    await h.settle();
    const [message] = h.node.listMessages(h.general);
    expect(message?.sender.id).toBe(me.id);

    const profile = await call('GET', `/api/v1/users/${me.id as string}`, ADMIN);
    expect(profile.status).toBe(200);
    expect(profile.json.identities).toEqual([
      {
        network: 'b',
        externalId: 'bob',
        kind: 'native',
        linkedAt: new Date(h.clock.now()).toISOString(),
      },
    ]);
    const found = await call('GET', '/api/v1/users?network=b&externalId=bob');
    expect(found.status).toBe(200);
    expect(found.json.id).toBe(me.id);
    const none = await call('GET', '/api/v1/users?network=b&externalId=nobody');
    expect(none.status).toBe(404);
    const missing = await call('GET', '/api/v1/users?network=b');
    expect(missing.status).toBe(400);
    expect(missing.json.error?.message).toMatch(/externalId/);

    // A used code is refused and nothing changes.
    await expect(
      control.redeemCode({ externalId: 'eve' as ExternalUserId, displayName: 'Eve' }, code),
    ).rejects.toThrow(/used already/);
    expect((await call('GET', '/api/v1/users?network=b&externalId=eve')).status).toBe(404);

    const gone = await call('DELETE', '/api/v1/users/me/identities/b/bob');
    expect(gone.status).toBe(204);
    expect((await call('GET', '/api/v1/users/me')).json.identities).toEqual([]);
    const again = await call('DELETE', '/api/v1/users/me/identities/b/bob');
    expect(again.status).toBe(404);
    // Bob speaks as himself again.
    await h.adapter('b').receive(main, 'bob', 'myself again');
    await h.settle();
    expect(h.node.listMessages(h.general).at(-1)?.sender.origin).toEqual({
      network: 'b',
      externalId: 'bob',
    });
  });

  it('lists a bridged person with their own identity; theirs cannot be unlinked by others', async () => {
    await h.adapter('a').receive(main, 'carol', 'hi');
    await h.settle();
    const carol = await call('GET', '/api/v1/users?network=a&externalId=carol');
    expect(carol.status).toBe(200);
    expect(carol.json.origin).toEqual({ network: 'a', externalId: 'carol' });
    expect(carol.json.identities).toEqual([{ network: 'a', externalId: 'carol', kind: 'native' }]);
    const notMine = await call('DELETE', '/api/v1/users/me/identities/a/carol');
    expect(notMine.status).toBe(404);
  });

  it('the admin token may read profiles but not issue codes', async () => {
    const refused = await call('POST', '/api/v1/users/me/link-codes', ADMIN);
    expect(refused.status).toBe(403);
  });
});

describe('account linking API without the bridge runtime', () => {
  it('shows no identities and answers 404 for the link routes', async () => {
    const { app } = createApp({ node: h.node, adminToken: ADMIN, logger: quiet, status: {} });
    const res = await app.request('/api/v1/users/me/link-codes', {
      method: 'POST',
      headers: { authorization: `Bearer ${aliceToken}` },
    });
    expect(res.status).toBe(404);
    expect(((await res.json()) as { error: { message: string } }).error.message).toMatch(
      /bridge runtime/,
    );
  });
});
