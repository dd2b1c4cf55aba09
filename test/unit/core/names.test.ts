import { describe, expect, it } from 'vitest';
import { AmbiguousNameError, NameTakenError, ValidationError } from '../../../src/core/errors.js';
import { generateKeyPair, type KeyPair } from '../../../src/core/identity.js';
import { createEntry } from '../../../src/core/log.js';
import { nameProblem, reactionKeyProblem, sanitizeExternalName } from '../../../src/core/names.js';
import { skeleton } from '../../../src/core/skeleton.js';
import type { MultichatNode, Resource, Transaction } from '../../../src/core/types.js';
import { allEnvelopes, tempNode } from '../../support/core.js';

describe('name rules', () => {
  it('refuses control, bidi, zero-width and tag characters, naming the code point', () => {
    const cases: [string, string][] = [
      ['a\u0000b', 'U+0000'],
      ['two\nlines', 'U+000A'],
      ['red\u001b[31m', 'U+001B'],
      ['c1\u009b', 'U+009B'],
      ['evil\u202Egnp.exe', 'U+202E'],
      ['iso\u2066late', 'U+2066'],
      ['mark\u200Fx', 'U+200F'],
      ['zero\u200Bwidth', 'U+200B'],
      ['bom\uFEFF', 'U+FEFF'],
      ['tag\u{E0041}', 'U+E0041'],
      ['lone\uD800', 'U+D800'],
    ];
    for (const [name, cp] of cases) expect(nameProblem(name, 'username')).toContain(cp);
    expect(nameProblem('Zoë ❤️ 東京', 'username')).toBeUndefined();
  });

  it('lets a topic have line feeds but no other control character, and wants NFC', () => {
    expect(nameProblem('first\nsecond', 'topic')).toBeUndefined();
    expect(nameProblem('first\r\nsecond', 'topic')).toContain('U+000D');
    expect(nameProblem('Jose\u0301', 'channel name')).toMatch(/NFC/);
  });

  it('turns a hostile display name into a readable one instead of refusing it', () => {
    expect(sanitizeExternalName('\u202Eadmin\u0000 \u200Bbot\u001b[0m ')).toBe('admin bot [0m');
    expect(sanitizeExternalName('Jose\u0301')).toBe('Jos\u00e9');
  });

  it('gives look-alike names one skeleton and different names different ones', () => {
    const alike = [
      'alice',
      'Alice',
      'ALICE',
      'aIice',
      'a1ice',
      '\u0430lice',
      'a_lice',
      'ａｌｉｃｅ',
    ];
    expect(new Set(alike.map(skeleton))).toEqual(new Set([skeleton('alice')]));
    expect(skeleton('rnoderator')).toBe(skeleton('moderator'));
    expect(skeleton('bob')).not.toBe(skeleton('rob'));
    expect(skeleton('alice')).not.toBe(skeleton('alicia'));
  });

  it('takes emoji and shortcodes as reaction keys, nothing else', () => {
    for (const ok of ['👍', '👍🏽', '👨‍👩‍👧', '🇫🇷', '1️⃣', ':thumbsup:', ':+1::skin-tone-2:']) {
      expect(reactionKeyProblem(ok)).toBeUndefined();
    }
    for (const bad of ['%00', '/../', '\u0000', 'yes', '', '👍'.repeat(40), ':a/b:']) {
      expect(reactionKeyProblem(bad)).toBeDefined();
    }
  });
});

/** An entry of a fresh key that creates its own profile, as a hostile peer would send it. */
function peerProfileEntry(pair: KeyPair, username: string) {
  const resource: Resource = {
    kind: 'userProfile',
    data: { userId: pair.address as never, username, publicKey: pair.address },
  };
  const tx: Transaction = {
    intent: 'updateProfile',
    actor: pair.address as never,
    consumes: [],
    creates: [resource],
    deps: [],
  };
  return createEntry(pair, { seq: 1, prev: null, hlc: { wall: Date.now(), counter: 0 }, tx });
}

async function errorOf(p: Promise<unknown>): Promise<unknown> {
  return p.then(
    () => undefined,
    (e: unknown) => e,
  );
}

describe('names in the core', () => {
  it("refuses a peer's profile whose name carries a bidi override, and stores nothing", async () => {
    const node = await tempNode();
    const pair = generateKeyPair();
    const { entry } = peerProfileEntry(pair, 'admin\u202E');
    const result = await node.ingest([{ entry, contents: new Map() }]);
    expect(result.rejected[0]?.reason).toMatch(/^name\.invalid/);
    expect(node.getUser(pair.address as never)).toBeUndefined();
    // The same key with a clean name is accepted: the refusal was about the name.
    const clean = peerProfileEntry(pair, 'admin');
    expect((await node.ingest([{ entry: clean.entry, contents: new Map() }])).rejected).toEqual([]);
    expect(node.getUser(pair.address as never)?.username).toBe('admin');
  });

  it('stores local names in NFC and refuses bad ones with a ValidationError naming the field', async () => {
    const node = await tempNode();
    const { user } = await node.createLocalUser('Jose\u0301');
    expect(user.username).toBe('Jos\u00e9');
    const bad = await errorOf(node.createLocalUser('root\u200B'));
    expect(bad).toBeInstanceOf(ValidationError);
    expect((bad as ValidationError).field).toBe('username');
    expect((bad as Error).message).toContain('U+200B');
    const topic = await errorOf(
      node.submit(user.id, { kind: 'createChannel', name: 'news', topic: 'a\u001b[2Jb' }),
    );
    expect((topic as ValidationError).field).toBe('topic');
    expect(node.listChannels()).toEqual([]);
  });

  it('gives bridged people a clean name instead of losing them', async () => {
    const node = await tempNode();
    const user = await node.ensureBridgedUser(
      { network: 'discord', externalId: '42' },
      { username: '\u202Egnp.exe\u0000' },
    );
    expect(user.username).toBe('gnp.exe');
    const blank = await node.ensureBridgedUser(
      { network: 'discord', externalId: '43' },
      { username: '\u200B\u200B' },
    );
    expect(blank.username).toBe('discord-43');
  });

  it('refuses a local username that looks like an existing one, naming that user', async () => {
    const node = await tempNode();
    const { user: alice } = await node.createLocalUser('alice');
    for (const name of ['Alice', 'aIice', '\u0430lice']) {
      const error = await errorOf(node.createLocalUser(name));
      expect(error).toBeInstanceOf(NameTakenError);
      expect((error as Error).message).toContain(alice.id);
    }
    expect(node.lookalikesOf([alice.id]).get(alice.id)).toBeUndefined();
  });

  it('refuses a rename to a look-alike of someone else, not of oneself', async () => {
    const node = await tempNode();
    const { user: alice } = await node.createLocalUser('alice');
    const { user: eve } = await node.createLocalUser('eve');
    const error = await errorOf(node.submit(eve.id, { kind: 'updateProfile', username: 'a1ice' }));
    expect(error).toBeInstanceOf(NameTakenError);
    expect((error as Error).message).toContain(alice.id);
    expect(node.getUser(eve.id)?.username).toBe('eve');
    await node.submit(alice.id, { kind: 'updateProfile', username: 'Alice' });
    expect(node.getUser(alice.id)?.username).toBe('Alice');
  });

  it('flags a peer whose name looks like a local user', async () => {
    const node = await tempNode();
    const { user: alice } = await node.createLocalUser('alice');
    const pair = generateKeyPair();
    await node.ingest([{ entry: peerProfileEntry(pair, 'aIice').entry, contents: new Map() }]);
    const flags = node.lookalikesOf([alice.id, pair.address as never]);
    expect(flags.get(alice.id)).toEqual([{ id: pair.address, username: 'aIice' }]);
    expect(flags.get(pair.address as never)).toEqual([{ id: alice.id, username: 'alice' }]);
  });
});

describe('channel names', () => {
  async function withPeerChannel(victim: MultichatNode, name: string) {
    const peer = await tempNode();
    const { user } = await peer.createLocalUser('mallory');
    const { channel } = await peer.submit(user.id, { kind: 'createChannel', name });
    const result = await victim.ingest(allEnvelopes(peer));
    expect(result.rejected).toEqual([]);
    return channel!.id;
  }

  it('refuses a second local channel of the same name, naming the first', async () => {
    const node = await tempNode();
    const { user } = await node.createLocalUser('alice');
    const { channel } = await node.submit(user.id, { kind: 'createChannel', name: 'general' });
    const error = await errorOf(node.submit(user.id, { kind: 'createChannel', name: 'general' }));
    expect(error).toBeInstanceOf(NameTakenError);
    expect((error as Error).message).toContain(channel!.id);
    expect(node.listChannels()).toHaveLength(1);
  });

  it('makes a name lookup ambiguous, not the lowest id, once a peer squats the name', async () => {
    const node = await tempNode();
    const { user } = await node.createLocalUser('alice');
    const ours = (await node.submit(user.id, { kind: 'createChannel', name: 'general' })).channel!;
    const theirs = await withPeerChannel(node, 'general');
    expect(
      node
        .findChannelsByName('general')
        .map((c) => c.id)
        .sort(),
    ).toEqual([ours.id, theirs].sort());
    const error = await errorOf(Promise.resolve().then(() => node.findChannelByName('general')));
    expect(error).toBeInstanceOf(AmbiguousNameError);
    expect((error as Error).message).toContain(ours.id);
    expect((error as Error).message).toContain(theirs);
    // Ids still address each channel.
    expect(node.getChannel(ours.id)?.creator).toBe(user.id);
  });
});
