/**
 * The shared contract every MappingStore implementation runs (DESIGN §6): SQLite in
 * test/unit/mapping/sqlite.test.ts, PostgreSQL in test/integration/mapping-postgres.test.ts.
 * Nothing is skipped for either store.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { ChannelId, MessageId, UserId } from '../../src/core/types.js';
import {
  DeliveryNotFoundError,
  DeliveryStateError,
  LinkExistsError,
  LinkNotFoundError,
  MessageMappingConflictError,
  StoreClosedError,
  targetKeyOf,
} from '../../src/mapping/index.js';
import type {
  Delivery,
  DeliveryId,
  DeliveryInput,
  ExternalMessageId,
  LinkId,
  LinkTarget,
  MappingStore,
  MappingStoreOptions,
  MessageDirection,
  MessageMappingInput,
  NetworkName,
  TargetKey,
} from '../../src/mapping/index.js';
import { describeAccountRepos } from './mapping-accounts.js';
import { describeMemos } from './mapping-memos.js';
import { describeOutboxAdmin } from './mapping-outbox-admin.js';

/**
 * `makeStore` returns an uninitialised store over this test's database; calling it again in the
 * same test opens the SAME database (that is how reopening is tested). `cleanup` runs after each
 * test, once every store is closed, and must leave an empty database for the next test.
 */
export function describeMappingStoreContract(
  name: string,
  makeStore: (options?: MappingStoreOptions) => Promise<MappingStore>,
  cleanup: () => Promise<void>,
): void {
  describe(`MappingStore contract: ${name}`, () => {
    const open: MappingStore[] = [];
    async function store(options?: MappingStoreOptions): Promise<MappingStore> {
      const s = await makeStore(options);
      open.push(s);
      await s.init();
      return s;
    }
    async function reopen(s: MappingStore): Promise<MappingStore> {
      await s.close();
      return store();
    }
    afterEach(async () => {
      for (const s of open.splice(0)) await s.close();
      await cleanup();
    });

    const ch = (s: string) => s as ChannelId;
    const user = (s: string) => s as UserId;
    const msg = (s: string) => s as MessageId;
    const ext = (s: string) => s as ExternalMessageId;
    const net = (s: string) => s as NetworkName;
    const LIBERA = { network: 'libera', channel: '#proj' };
    const IRC = targetKeyOf(net('irc'), LIBERA);
    const MX = targetKeyOf(net('matrix'), { room: '!abc:hs' });
    const DC = targetKeyOf(net('discord'), { channel: '123' });
    const link = (s: MappingStore, channel: string, network: NetworkName, target: LinkTarget) =>
      s.links.create({ channel: ch(channel), network, target });
    /** A mapping in channel c1; outbound unless told. */
    const mapping = (
      network: NetworkName,
      targetKey: TargetKey,
      externalId: string,
      messageId: string,
      direction: MessageDirection = 'outbound',
    ): MessageMappingInput => ({
      network,
      targetKey,
      externalId: ext(externalId),
      messageId: msg(messageId),
      channel: ch('c1'),
      direction,
    });
    const delivery = (key: string, network: NetworkName, targetKey: TargetKey, extra = {}) =>
      ({
        idempotencyKey: key,
        linkId: `link-${targetKey}` as LinkId,
        network,
        targetKey,
        channel: ch('c1'),
        action: { kind: 'send', text: key, nested: { n: 1, list: [true, null, 'x'] } },
        nextAttemptAt: 0,
        ...extra,
      }) satisfies DeliveryInput;

    describe('lifecycle', () => {
      it('refuses calls before init and after close', async () => {
        const s = await makeStore();
        open.push(s);
        await expect(s.cursors.get(net('irc'), 'k')).rejects.toBeInstanceOf(StoreClosedError);
        await s.init();
        await s.init(); // a second init on a migrated database changes nothing
        await s.cursors.set(net('irc'), 'k', 'v');
        await s.close();
        await s.close();
        await expect(s.links.list()).rejects.toBeInstanceOf(StoreClosedError);
        await expect(s.lookupInbound({ network: net('irc') })).rejects.toBeInstanceOf(
          StoreClosedError,
        );
      });
    });

    describe('identities', () => {
      it('maps (network, externalId) <-> user both ways and caches profile fields', async () => {
        const s = await store();
        expect(await s.identities.get(net('discord'), '42')).toBeUndefined();
        const a = await s.identities.upsert({
          network: net('discord'),
          externalId: '42',
          userId: user('u1'),
          displayName: 'Ada',
          avatar: 'https://a/1.png',
        });
        expect(a).toMatchObject({ userId: 'u1', displayName: 'Ada', avatar: 'https://a/1.png' });
        await s.identities.upsert({ network: net('irc'), externalId: 'ada', userId: user('u1') });
        await s.identities.upsert({ network: net('irc'), externalId: 'bob', userId: user('u2') });
        expect((await s.identities.get(net('discord'), '42'))?.userId).toBe('u1');
        expect((await s.identities.get(net('irc'), 'ada'))?.displayName).toBeNull();
        const all = await s.identities.listByUser(user('u1'));
        expect(all.map((i) => `${i.network}:${i.externalId}`).sort()).toEqual([
          'discord:42',
          'irc:ada',
        ]);
        expect(await s.identities.listByUser(user('u1'), net('irc'))).toHaveLength(1);
        expect(await s.identities.listByUser(user('nobody'))).toEqual([]);
      });

      it('keeps a kind per identity: native by default, ghost and puppet when recorded', async () => {
        const s = await store();
        const own = await s.identities.upsert({
          network: net('discord'),
          externalId: '42',
          userId: user('u1'),
        });
        expect(own.kind).toBe('native');
        await s.identities.upsert({
          network: net('matrix'),
          externalId: '@_mc_discord_42:hs',
          userId: user('u1'),
          kind: 'ghost',
        });
        await s.identities.upsert({
          network: net('irc'),
          externalId: 'Ada[d]',
          userId: user('u1'),
          kind: 'puppet',
        });
        await s.identities.upsert({
          network: net('matrix'),
          externalId: '@bo:hs',
          userId: user('u2'),
        });
        // The profile of a (network, externalId), whatever its kind.
        expect(await s.identities.get(net('matrix'), '@_mc_discord_42:hs')).toMatchObject({
          userId: 'u1',
          kind: 'ghost',
        });
        // A later upsert without a kind keeps it (a rename of the ghost).
        const renamed = await s.identities.upsert({
          network: net('irc'),
          externalId: 'Ada[d]',
          userId: user('u1'),
          displayName: 'Ada',
        });
        expect(renamed.kind).toBe('puppet');
        expect((await s.identities.listByUser(user('u1'))).map((i) => i.kind).sort()).toEqual([
          'ghost',
          'native',
          'puppet',
        ]);
        const onMatrix = await s.identities.listByUsers(
          [user('u1'), user('u2'), user('u9')],
          net('matrix'),
        );
        expect(onMatrix.map((i) => `${i.userId}:${i.externalId}:${i.kind}`).sort()).toEqual([
          'u1:@_mc_discord_42:hs:ghost',
          'u2:@bo:hs:native',
        ]);
        expect(await s.identities.listByUsers([], net('matrix'))).toEqual([]);
        const found = await s.lookupInbound({
          network: net('matrix'),
          people: ['@_mc_discord_42:hs'],
        });
        expect(found.identities.get('@_mc_discord_42:hs')).toMatchObject({
          userId: 'u1',
          kind: 'ghost',
        });
      });

      it('remove forgets one (network, externalId) and says whether it existed', async () => {
        const s = await store();
        await s.identities.upsert({
          network: net('irc'),
          externalId: 'Ada[d]',
          userId: user('u1'),
          kind: 'puppet',
        });
        await s.identities.upsert({ network: net('irc'), externalId: 'Ada', userId: user('u2') });
        expect(await s.identities.remove(net('irc'), 'Ada[d]')).toBe(true);
        expect(await s.identities.remove(net('irc'), 'Ada[d]')).toBe(false);
        expect(await s.identities.get(net('irc'), 'Ada[d]')).toBeUndefined();
        expect((await s.identities.get(net('irc'), 'Ada'))?.userId).toBe('u2');
      });

      it('upsert keeps cached fields left undefined and clears those set to null', async () => {
        const s = await store();
        const base = { network: net('slack'), externalId: 'U1', userId: user('u1') };
        await s.identities.upsert({ ...base, displayName: 'Old', avatar: 'a1' });
        const kept = await s.identities.upsert({ ...base, displayName: 'New' });
        expect(kept).toMatchObject({ displayName: 'New', avatar: 'a1' });
        const cleared = await s.identities.upsert({ ...base, avatar: null });
        expect(cleared).toMatchObject({ displayName: 'New', avatar: null });
        expect(await s.identities.listByUser(user('u1'))).toHaveLength(1);
      });
    });

    describe('links', () => {
      it('creates N-way links per channel and finds them by target', async () => {
        const s = await store();
        const a = await link(s, 'c1', net('irc'), LIBERA);
        await link(s, 'c1', net('irc'), { network: 'oftc', channel: '#proj' });
        await link(s, 'c1', net('matrix'), { room: '!abc:hs' });
        await link(s, 'c2', net('discord'), { channel: '123' });
        expect(a.targetKey).toBe(IRC);
        expect(a.target).toEqual(LIBERA);
        const c1 = await s.links.listByChannel(ch('c1'));
        expect(c1.map((l) => l.network)).toEqual([net('irc'), net('irc'), net('matrix')]);
        expect(await s.links.list()).toHaveLength(4);
        expect(await s.links.findByTarget(net('irc'), IRC)).toEqual(a);
        expect(await s.links.get(a.id)).toEqual(a);
        expect(await s.links.findByTarget(net('matrix'), IRC)).toBeUndefined();
      });

      it('refuses a second link to the same target, whatever the key order', async () => {
        const s = await store();
        await link(s, 'c1', net('irc'), LIBERA);
        const again = link(s, 'c2', net('irc'), { channel: '#proj', network: 'libera' });
        await expect(again).rejects.toBeInstanceOf(LinkExistsError);
        expect(await s.links.list()).toHaveLength(1);
      });

      it('deletes by id, kills the link’s open deliveries, and allows relinking', async () => {
        const s = await store();
        const l = await link(s, 'c1', net('matrix'), { room: '!abc:hs' });
        const [d] = await s.outbox.enqueue([
          { ...delivery('k1', net('matrix'), MX), linkId: l.id },
        ]);
        await s.links.delete(l.id);
        expect(await s.links.get(l.id)).toBeUndefined();
        await expect(s.links.delete(l.id)).rejects.toBeInstanceOf(LinkNotFoundError);
        expect(await s.outbox.get(d!.id)).toMatchObject({
          state: 'dead',
          lastError: 'link deleted',
        });
        expect(await s.outbox.nextDue(1)).toEqual([]);
        const again = await link(s, 'c9', net('matrix'), { room: '!abc:hs' });
        expect(again.id).not.toBe(l.id);
      });
    });

    describe('messages', () => {
      it('maps external ids to messages both ways, one message to many targets', async () => {
        const s = await store();
        const m = msg('m1');
        await s.messages.put(mapping(net('discord'), DC, 'd1', 'm1', 'inbound'));
        await s.messages.put(mapping(net('irc'), IRC, 'i1', 'm1'));
        await s.messages.put(mapping(net('irc'), IRC, 'i2', 'm1'));
        await s.messages.put(mapping(net('matrix'), MX, '$e', 'm1'));
        await s.messages.put(mapping(net('irc'), IRC, 'other', 'm2', 'inbound'));
        expect(await s.messages.getByExternal(net('discord'), DC, ext('d1'))).toMatchObject({
          messageId: 'm1',
          direction: 'inbound',
        });
        expect(await s.messages.getByExternal(net('discord'), MX, ext('d1'))).toBeUndefined();
        expect(await s.messages.listByMessage(m)).toHaveLength(4);
        const irc = await s.messages.listByMessage(m, { network: net('irc'), targetKey: IRC });
        expect(irc.map((r) => r.externalId).sort()).toEqual(['i1', 'i2']);
        expect(await s.messages.deleteByMessage(m)).toBe(4);
        expect(await s.messages.listByMessage(m)).toEqual([]);
        expect(await s.messages.getByExternal(net('irc'), IRC, ext('other'))).toBeDefined();
      });

      it('put is idempotent for the same message and refuses another message', async () => {
        const s = await store();
        const row = mapping(net('irc'), IRC, 'x', 'm1');
        const first = await s.messages.put(row);
        expect(await s.messages.put(row)).toEqual(first);
        await expect(s.messages.put({ ...row, messageId: msg('m2') })).rejects.toBeInstanceOf(
          MessageMappingConflictError,
        );
        expect((await s.messages.getByExternal(net('irc'), IRC, ext('x')))?.messageId).toBe('m1');
      });

      it('putMany records a batch, keeps what is stored, and returns conflicts without undoing the rest', async () => {
        const s = await store();
        await s.messages.put(mapping(net('irc'), IRC, 'x', 'm1'));
        const conflicts = await s.messages.putMany([
          mapping(net('irc'), IRC, 'a', 'm2', 'inbound'),
          mapping(net('irc'), IRC, 'x', 'm9'),
          mapping(net('irc'), IRC, 'x', 'm1'),
          mapping(net('irc'), IRC, 'b', 'm3', 'inbound'),
        ]);
        expect(conflicts).toHaveLength(1);
        expect(conflicts[0]).toBeInstanceOf(MessageMappingConflictError);
        expect((await s.messages.getByExternal(net('irc'), IRC, ext('a')))?.messageId).toBe('m2');
        expect((await s.messages.getByExternal(net('irc'), IRC, ext('b')))?.messageId).toBe('m3');
        expect((await s.messages.getByExternal(net('irc'), IRC, ext('x')))?.messageId).toBe('m1');
        expect(await s.messages.putMany([])).toEqual([]);
      });

      it('putMany of a large batch keeps the first of two rows with one key and returns the second as a conflict', async () => {
        const s = await store();
        const rows = Array.from({ length: 300 }, (_, i) =>
          mapping(net('irc'), IRC, `k${i}`, `m${i}`),
        );
        // Row 299 repeats row 5's key for another message; row 298 repeats row 7 exactly.
        rows[299] = mapping(net('irc'), IRC, 'k5', 'other');
        rows[298] = mapping(net('irc'), IRC, 'k7', 'm7');
        const conflicts = await s.messages.putMany(rows);
        expect(conflicts.map((c) => c.externalId)).toEqual(['k5']);
        const found = await s.messages.getManyByExternal(
          net('irc'),
          IRC,
          rows.map((r) => r.externalId),
        );
        expect(found.size).toBe(298);
        expect(found.get(ext('k5'))?.messageId).toBe('m5');
        expect(found.get(ext('k297'))?.messageId).toBe('m297');
      });

      it('getManyByExternal reads many ids of one target in one call, only that target', async () => {
        const s = await store();
        const ids = Array.from({ length: 300 }, (_, i) => `e${i}`);
        await s.messages.putMany(
          ids.map((id, i) => mapping(net('irc'), IRC, id, `m${i}`, 'inbound')),
        );
        await s.messages.put(mapping(net('irc'), DC, 'e1', 'other'));
        await s.messages.put(mapping(net('matrix'), IRC, 'e2', 'elsewhere'));
        // 300 ids read in two statements, with an unmapped id and a duplicate among them.
        const wanted = [...ids, 'nope', 'e7'].map(ext);
        const found = await s.messages.getManyByExternal(net('irc'), IRC, wanted);
        expect(found.size).toBe(300);
        expect(found.get(ext('e0'))?.messageId).toBe('m0');
        expect(found.get(ext('e1'))?.messageId).toBe('m1');
        expect(found.get(ext('e2'))?.messageId).toBe('m2');
        expect(found.get(ext('e299'))).toMatchObject({ messageId: 'm299', direction: 'inbound' });
        expect(found.has(ext('nope'))).toBe(false);
        const few = await s.messages.getManyByExternal(net('irc'), DC, [ext('e1'), ext('e3')]);
        expect([...few.values()].map((m) => m.messageId)).toEqual(['other']);
        expect((await s.messages.getManyByExternal(net('irc'), IRC, [])).size).toBe(0);
      });
    });

    describe('lookupInbound', () => {
      it('reads link, mappings, identities and an issued key in one call, each as stored', async () => {
        const s = await store();
        const l = await link(s, 'c1', net('irc'), LIBERA);
        await link(s, 'c2', net('matrix'), { room: '!abc:hs' });
        await s.messages.put(mapping(net('irc'), IRC, 'i1', 'm1', 'inbound'));
        await s.messages.put(mapping(net('irc'), IRC, 'i2', 'm2'));
        await s.messages.put(mapping(net('matrix'), MX, 'i3', 'm3'));
        const ada = await s.identities.upsert({
          network: net('irc'),
          externalId: 'ada',
          userId: user('u1'),
          displayName: 'Ada',
          avatar: null,
        });
        await s.identities.upsert({ network: net('irc'), externalId: 'bob', userId: user('u2') });
        await s.identities.upsert({ network: net('matrix'), externalId: 'cy', userId: user('u3') });
        await s.outbox.enqueue([delivery('txn-1', net('irc'), IRC)]);

        const found = await s.lookupInbound({
          network: net('irc'),
          targetKey: IRC,
          externalIds: [ext('i1'), ext('i2'), ext('i3'), ext('nope'), ext('i1')],
          people: ['ada', 'bob', 'cy', 'nobody'],
          idempotencyKey: 'txn-1',
        });
        expect(found.link).toEqual(l);
        expect([...found.messages.keys()].sort()).toEqual(['i1', 'i2']);
        expect(found.messages.get(ext('i1'))).toEqual(
          await s.messages.getByExternal(net('irc'), IRC, ext('i1')),
        );
        expect(found.messages.get(ext('i2'))?.direction).toBe('outbound');
        expect([...found.identities.keys()].sort()).toEqual(['ada', 'bob']);
        expect(found.identities.get('ada')).toEqual(ada);
        expect(found.identities.get('bob')).toMatchObject({ displayName: null, avatar: null });
        expect(found.keyIssued).toBe(true);
      });

      it('answers empty parts for unknown targets, ids, people and keys, and for no target', async () => {
        const s = await store();
        await link(s, 'c1', net('irc'), LIBERA);
        await s.messages.put(mapping(net('irc'), IRC, 'i1', 'm1'));
        await s.identities.upsert({ network: net('irc'), externalId: 'ada', userId: user('u1') });
        const other = await s.lookupInbound({
          network: net('matrix'),
          targetKey: IRC,
          externalIds: [ext('i1')],
          people: ['ada'],
          idempotencyKey: 'never',
        });
        expect(other.link).toBeUndefined();
        expect(other.messages.size).toBe(0);
        expect(other.identities.size).toBe(0);
        expect(other.keyIssued).toBe(false);
        // Without a target (profile, presence): only people; external ids need a target.
        const people = await s.lookupInbound({
          network: net('irc'),
          externalIds: [ext('i1')],
          people: ['ada'],
        });
        expect(people.link).toBeUndefined();
        expect(people.messages.size).toBe(0);
        expect(people.identities.get('ada')?.userId).toBe('u1');
        const nothing = await s.lookupInbound({ network: net('irc') });
        expect(nothing).toMatchObject({ link: undefined, keyIssued: false });
      });
    });

    describe('outbox', () => {
      it('enqueue assigns per-target sequences and is idempotent by key', async () => {
        const s = await store();
        const rows = await s.outbox.enqueue([
          delivery('a1', net('irc'), IRC),
          delivery('b1', net('matrix'), MX),
          delivery('a2', net('irc'), IRC),
          delivery('a1', net('irc'), IRC), // duplicate inside the batch
        ]);
        expect(rows.map((r) => r.sequence)).toEqual([1, 1, 2, 1]);
        expect(rows[3]!.id).toBe(rows[0]!.id);
        const again = await s.outbox.enqueue([
          delivery('a2', net('irc'), IRC),
          delivery('a3', net('irc'), IRC),
        ]);
        expect(again[0]).toEqual(rows[2]);
        expect(again[1]!.sequence).toBe(3);
        expect(await s.outbox.countByState()).toEqual({ pending: 4, sending: 0, sent: 0, dead: 0 });
        const got = await s.outbox.getByKey('b1');
        expect(got).toMatchObject({
          state: 'pending',
          attempts: 0,
          lastError: null,
          externalIds: [],
          network: net('matrix'),
          targetKey: MX,
        });
        expect(got?.action).toEqual({
          kind: 'send',
          text: 'b1',
          nested: { n: 1, list: [true, null, 'x'] },
        });
        expect(await s.outbox.get(got!.id)).toEqual(got);
        expect(await s.outbox.getByKey('nope')).toBeUndefined();
        expect(await s.outbox.enqueue([])).toEqual([]);
      });

      it('nextDue returns only each target’s head and keeps FIFO across 3 interleaved targets', async () => {
        const s = await store();
        const targets = [
          [net('irc'), IRC],
          [net('matrix'), MX],
          [net('discord'), DC],
        ] as const;
        const input: DeliveryInput[] = [];
        for (let i = 0; i < 4; i++)
          for (const [n, t] of targets) input.push(delivery(`${n}-${i}`, n, t));
        await s.outbox.enqueue(input);
        const heads = await s.outbox.nextDue(1);
        expect(heads.map((d) => d.idempotencyKey).sort()).toEqual([
          'discord-0',
          'irc-0',
          'matrix-0',
        ]);
        const two = await s.outbox.nextDue(1, 2);
        expect(two.filter((d) => d.network === net('irc')).map((d) => d.idempotencyKey)).toEqual([
          'irc-0',
          'irc-1',
        ]);
        const seen: Record<string, string[]> = { irc: [], matrix: [], discord: [] };
        for (let round = 0; round < 10; round++) {
          const due = await s.outbox.nextDue(1);
          if (due.length === 0) break;
          // Deliver targets in a different order each round: order must hold per target anyway.
          for (const d of round % 2 ? due.reverse() : due) {
            await s.outbox.markSending(d.id);
            await s.outbox.markSent(d.id, [ext(`x-${d.idempotencyKey}`)]);
            seen[d.network]!.push(d.idempotencyKey);
          }
        }
        for (const [n] of targets) expect(seen[n]).toEqual([0, 1, 2, 3].map((i) => `${n}-${i}`));
        expect(await s.outbox.countByState()).toEqual({
          pending: 0,
          sending: 0,
          sent: 12,
          dead: 0,
        });
      });

      it('a retry hides the target until nextAttemptAt; other targets go on', async () => {
        const s = await store();
        const [a1, , b1] = await s.outbox.enqueue([
          delivery('a1', net('irc'), IRC),
          delivery('a2', net('irc'), IRC),
          delivery('b1', net('matrix'), MX),
        ]);
        await s.outbox.markSending(a1!.id);
        const r = await s.outbox.markRetry(a1!.id, 'timeout', 1000);
        expect(r).toMatchObject({
          state: 'pending',
          attempts: 1,
          lastError: 'timeout',
          nextAttemptAt: 1000,
        });
        expect((await s.outbox.nextDue(999, 5)).map((d) => d.id)).toEqual([b1!.id]);
        const later = await s.outbox.nextDue(1000, 5);
        expect(later.filter((d) => d.network === net('irc')).map((d) => d.idempotencyKey)).toEqual([
          'a1',
          'a2',
        ]);
      });

      it('dead deliveries are excluded, unblock their target and are listed', async () => {
        const s = await store();
        const [a1] = await s.outbox.enqueue([
          delivery('a1', net('irc'), IRC),
          delivery('a2', net('irc'), IRC),
        ]);
        const dead = await s.outbox.markDead(a1!.id, 'HTTP 403 forbidden');
        expect(dead).toMatchObject({ state: 'dead', lastError: 'HTTP 403 forbidden' });
        expect((await s.outbox.nextDue(1)).map((d) => d.idempotencyKey)).toEqual(['a2']);
        expect((await s.outbox.listDead()).map((d) => d.id)).toEqual([a1!.id]);
        await expect(s.outbox.markSending(a1!.id)).rejects.toBeInstanceOf(DeliveryStateError);
        await expect(s.outbox.markRetry(a1!.id, 'x', 5)).rejects.toBeInstanceOf(DeliveryStateError);
        await expect(s.outbox.markDead('missing' as DeliveryId, 'x')).rejects.toBeInstanceOf(
          DeliveryNotFoundError,
        );
      });

      it('markSent stores external ids and message mappings atomically; sent is final', async () => {
        const s = await store();
        const [d] = await s.outbox.enqueue([delivery('a1', net('irc'), IRC)]);
        await s.outbox.markSending(d!.id);
        const l1 = mapping(net('irc'), IRC, 'l1', 'm1');
        await s.messages.put(mapping(net('irc'), IRC, 'taken', 'm0'));
        // A mapping that conflicts rolls the whole markSent back.
        const clash = [l1, mapping(net('irc'), IRC, 'taken', 'm1')];
        await expect(s.outbox.markSent(d!.id, [ext('l1')], clash)).rejects.toBeInstanceOf(
          MessageMappingConflictError,
        );
        expect(await s.outbox.get(d!.id)).toMatchObject({ state: 'sending', externalIds: [] });
        expect(await s.messages.getByExternal(net('irc'), IRC, ext('l1'))).toBeUndefined();
        const ids = [ext('l1'), ext('l2')];
        const sent = await s.outbox.markSent(d!.id, ids, [
          l1,
          mapping(net('irc'), IRC, 'l2', 'm1'),
        ]);
        expect(sent).toMatchObject({ state: 'sent', attempts: 1, externalIds: ['l1', 'l2'] });
        expect((await s.messages.listByMessage(msg('m1'))).map((m) => m.externalId).sort()).toEqual(
          ['l1', 'l2'],
        );
        await expect(s.outbox.markSent(d!.id, [])).rejects.toBeInstanceOf(DeliveryStateError);
        expect(await s.outbox.nextDue(Number.MAX_SAFE_INTEGER)).toEqual([]);
      });

      it('two store instances enqueueing at once keep sequences unique and keys single', async () => {
        const a = await store();
        const b = await store();
        const batch = (s: MappingStore, who: string) =>
          Promise.all(
            Array.from({ length: 10 }, (_, i) =>
              s.outbox.enqueue([
                delivery(`${who}-${i}`, net('irc'), IRC),
                delivery('shared', net('irc'), IRC),
              ]),
            ),
          );
        const [ra, rb] = await Promise.all([batch(a, 'a'), batch(b, 'b')]);
        const rows = [...ra, ...rb].flat();
        const shared = new Set(rows.filter((r) => r.idempotencyKey === 'shared').map((r) => r.id));
        expect(shared.size).toBe(1);
        const counts = await a.outbox.countByState();
        expect(counts.pending).toBe(21);
        const order: Delivery[] = [];
        for (let i = 0; i < 30; i++) {
          const [head] = await a.outbox.nextDue(1);
          if (!head) break;
          order.push(head);
          await a.outbox.markDead(head.id, 'drained');
        }
        const seqs = order.map((d) => d.sequence);
        expect(seqs).toHaveLength(21);
        expect([...seqs].sort((x, y) => x - y)).toEqual(seqs);
        expect(new Set(seqs).size).toBe(21);
      });

      it('markSending counts attempts, and a lease hides the delivery until it ends', async () => {
        const s = await store();
        const [d] = await s.outbox.enqueue([delivery('a1', net('irc'), IRC)]);
        await s.outbox.markSending(d!.id);
        const leased = await s.outbox.markSending(d!.id, 500);
        expect(leased).toMatchObject({ state: 'sending', attempts: 2, nextAttemptAt: 500 });
        expect(await s.outbox.nextDue(499)).toEqual([]);
        expect((await s.outbox.nextDue(500)).map((x) => x.id)).toEqual([d!.id]);
      });

      it('prunes sent deliveries by age; sequences keep rising after a prune', async () => {
        let t = 100;
        const s = await store({ now: () => t });
        const [d] = await s.outbox.enqueue([
          delivery('a1', net('irc'), IRC),
          delivery('a2', net('irc'), IRC),
        ]);
        await s.outbox.markSending(d!.id);
        await s.outbox.markSent(d!.id, []);
        t = 200;
        expect(await s.outbox.pruneSent(150)).toBe(1);
        expect(await s.outbox.get(d!.id)).toBeUndefined();
        const [next] = await s.outbox.enqueue([delivery('a3', net('irc'), IRC)]);
        expect(next).toMatchObject({ sequence: 3, createdAt: 200 });
      });
    });

    describe('cursors', () => {
      it('gets and sets per (network, key)', async () => {
        const s = await store();
        expect(await s.cursors.get(net('matrix'), 'sync')).toBeUndefined();
        await s.cursors.set(net('matrix'), 'sync', 's1');
        await s.cursors.set(net('matrix'), 'sync', 's2');
        await s.cursors.set(net('slack'), 'sync', 'other');
        expect(await s.cursors.get(net('matrix'), 'sync')).toBe('s2');
        expect(await s.cursors.get(net('slack'), 'sync')).toBe('other');
      });
    });

    describeAccountRepos(store, reopen);
    describeOutboxAdmin(store);
    describeMemos(store, reopen);

    describe('persistence', () => {
      it('keeps everything across close and reopen; a delivery left sending is due again', async () => {
        let s = await store();
        const linked = await link(s, 'c1', net('irc'), LIBERA);
        await s.identities.upsert({
          network: net('irc'),
          externalId: 'ada',
          userId: user('u1'),
          displayName: 'Ada',
        });
        await s.messages.put(mapping(net('irc'), IRC, 'i1', 'm1', 'inbound'));
        await s.cursors.set(net('irc'), 'libera', 'c-7');
        const [d1] = await s.outbox.enqueue([
          delivery('a1', net('irc'), IRC),
          delivery('a2', net('irc'), IRC),
        ]);
        const sending: Delivery = await s.outbox.markSending(d1!.id);

        s = await reopen(s);
        expect(await s.links.get(linked.id)).toEqual(linked);
        expect((await s.identities.get(net('irc'), 'ada'))?.displayName).toBe('Ada');
        expect((await s.messages.getByExternal(net('irc'), IRC, ext('i1')))?.messageId).toBe('m1');
        expect(await s.cursors.get(net('irc'), 'libera')).toBe('c-7');
        const due = await s.outbox.nextDue(1);
        expect(due).toEqual([sending]);
        expect(due[0]).toMatchObject({ state: 'sending', attempts: 1 });
        const [d3] = await s.outbox.enqueue([delivery('a3', net('irc'), IRC)]);
        expect(d3!.sequence).toBe(3);
      });
    });
  });
}
