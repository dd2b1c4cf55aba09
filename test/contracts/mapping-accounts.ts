/**
 * Contract cases for the account-linking repos (link codes, audit log), run inside
 * `describeMappingStoreContract` for SQLite and PostgreSQL alike.
 */
import { describe, expect, it } from 'vitest';
import type { UserId } from '../../src/core/types.js';
import type { MappingStore, MappingStoreOptions, NetworkName } from '../../src/mapping/index.js';

export function describeAccountRepos(
  store: (options?: MappingStoreOptions) => Promise<MappingStore>,
  reopen: (s: MappingStore) => Promise<MappingStore>,
): void {
  const user = (s: string) => s as UserId;
  const net = (s: string) => s as NetworkName;
  const hash = (c: string) => c.repeat(64).slice(0, 64);

  describe('link codes', () => {
    it('redeems a code once, before it expires; says why otherwise', async () => {
      const s = await store({ now: () => 1_000 });
      const code = await s.linkCodes.create({
        codeHash: hash('a'),
        userId: user('u1'),
        issuedVia: 'discord',
        issuedBy: '42',
        expiresAt: 2_000,
      });
      expect(code).toEqual({
        codeHash: hash('a'),
        userId: 'u1',
        issuedVia: 'discord',
        issuedBy: '42',
        createdAt: 1_000,
        expiresAt: 2_000,
        usedAt: null,
      });
      expect(await s.linkCodes.claim(hash('b'), 1_500)).toEqual({ outcome: 'unknown' });
      expect(await s.linkCodes.claim(hash('a'), 1_500)).toEqual({
        outcome: 'redeemed',
        code: { ...code, usedAt: 1_500 },
      });
      expect(await s.linkCodes.claim(hash('a'), 1_600)).toEqual({ outcome: 'used' });

      await s.linkCodes.create({
        codeHash: hash('c'),
        userId: user('u2'),
        issuedVia: 'api',
        expiresAt: 2_000,
      });
      expect(await s.linkCodes.claim(hash('c'), 2_000)).toEqual({ outcome: 'expired' });
    });

    it('lets only one of two concurrent claims win', async () => {
      const s = await store();
      await s.linkCodes.create({
        codeHash: hash('d'),
        userId: user('u1'),
        issuedVia: 'api',
        expiresAt: Date.now() + 60_000,
      });
      const now = Date.now();
      const outcomes = await Promise.all([
        s.linkCodes.claim(hash('d'), now),
        s.linkCodes.claim(hash('d'), now),
      ]);
      expect(outcomes.map((o) => o.outcome).sort()).toEqual(['redeemed', 'used']);
    });

    it('prunes expired codes only, and keeps codes across reopen', async () => {
      let s = await store();
      const base = { userId: user('u1'), issuedVia: 'api' };
      await s.linkCodes.create({ ...base, codeHash: hash('e'), expiresAt: 100 });
      await s.linkCodes.create({ ...base, codeHash: hash('f'), expiresAt: 10_000 });
      expect(await s.linkCodes.pruneExpired(5_000)).toBe(1);
      s = await reopen(s);
      expect(await s.linkCodes.claim(hash('e'), 50)).toEqual({ outcome: 'unknown' });
      expect((await s.linkCodes.claim(hash('f'), 50)).outcome).toBe('redeemed');
    });
  });

  describe('account audit', () => {
    it('records link and unlink rows per profile, oldest first', async () => {
      let clock = 10;
      const s = await store({ now: () => clock });
      const row = {
        userId: user('u1'),
        network: net('matrix'),
        externalId: '@ada:hs',
        actor: 'matrix:@ada:hs',
      };
      const linked = await s.accountAudit.record({ ...row, action: 'link' });
      expect(linked).toMatchObject({ ...row, action: 'link', at: 10 });
      clock = 20;
      await s.accountAudit.record({ ...row, action: 'unlink', actor: 'user:u1' });
      await s.accountAudit.record({ ...row, userId: user('u2'), action: 'link' });
      const rows = await s.accountAudit.listByUser(user('u1'));
      expect(rows.map((r) => [r.action, r.actor, r.at])).toEqual([
        ['link', 'matrix:@ada:hs', 10],
        ['unlink', 'user:u1', 20],
      ]);
      expect(await s.accountAudit.listByUser(user('nobody'))).toEqual([]);
    });
  });
}
