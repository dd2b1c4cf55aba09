/** Pure parts of the Discord adapter: ids, nonces, webhook names, role mapping, config. */
import { describe, expect, it } from 'vitest';
import { readConfig } from '../../../src/bridges/discord/config.js';
import { DiscordConfigError } from '../../../src/bridges/discord/errors.js';
import {
  decodeMessageId,
  encodeMessageId,
  nonceFor,
  threadOfRoot,
} from '../../../src/bridges/discord/ids.js';
import { nameRoleAndChannelMentions } from '../../../src/bridges/discord/mentions.js';
import {
  discordRolesFor,
  MemberRoles,
  multichatRoleOf,
} from '../../../src/bridges/discord/roles.js';
import { webhookUsername } from '../../../src/bridges/discord/usernames.js';

describe('discord ids', () => {
  it('round-trips channel and thread message ids', () => {
    expect(decodeMessageId(encodeMessageId('42'))).toEqual({ messageId: '42' });
    expect(decodeMessageId(encodeMessageId('42', '7'))).toEqual({ threadId: '7', messageId: '42' });
    expect(threadOfRoot(encodeMessageId('42'))).toBe('42');
  });

  it('derives a stable nonce of at most 25 characters per delivery and part', () => {
    const key = 'a'.repeat(200);
    expect(nonceFor(key, 0)).toBe(nonceFor(key, 0));
    expect(nonceFor(key, 0)).not.toBe(nonceFor(key, 1));
    expect(nonceFor(key, 0).length).toBeLessThanOrEqual(25);
  });
});

describe('discord webhook usernames', () => {
  it('keeps ordinary names and adjusts the ones Discord refuses', () => {
    expect(webhookUsername('alice')).toBe('alice');
    expect(webhookUsername('Clyde')).not.toMatch(/clyde/i);
    expect(webhookUsername('my discord name')).not.toMatch(/discord/i);
    expect(webhookUsername('everyone')).toBe('everyone (bridged)');
    expect(webhookUsername('   ')).toBe('someone');
    expect([...webhookUsername('x'.repeat(200))]).toHaveLength(80);
  });
});

describe('discord role mapping', () => {
  const roles = [
    { id: '1', name: 'Mods' },
    { id: '2', name: 'Admins' },
    { id: '3', name: 'Fans' },
  ];
  it('maps by id or name and takes the highest', () => {
    const mapping = { Mods: 'moderator', '2': 'admin' } as const;
    expect(multichatRoleOf([roles[0]!], mapping)).toBe('moderator');
    expect(multichatRoleOf(roles, mapping)).toBe('admin');
    expect(multichatRoleOf([roles[2]!], mapping)).toBeUndefined();
    expect(discordRolesFor('moderator', roles, mapping)).toEqual([roles[0]]);
  });

  it('reports a member update only when the mapped role changed', () => {
    const tracker = new MemberRoles({ Mods: 'moderator', '2': 'admin' });
    // First sight: a plain member is not news, a moderator is.
    expect(tracker.update('g', 'ann', [roles[2]!])).toBeUndefined();
    expect(tracker.update('g', 'bob', [roles[0]!])).toBe('moderator');
    // A nick change (same roles) is not a role change.
    expect(tracker.update('g', 'bob', [roles[0]!])).toBeUndefined();
    expect(tracker.update('g', 'bob', [roles[0]!, roles[1]!])).toBe('admin');
    expect(tracker.update('g', 'bob', [])).toBe('member');
    expect(tracker.update('g', 'ann', [roles[0]!])).toBe('moderator');
    // Without a mapping, Discord roles mean nothing to Multichat.
    expect(new MemberRoles({}).update('g', 'bob', [roles[0]!])).toBeUndefined();
  });

  it('refuses an unknown Multichat role in config, naming the key', () => {
    expect(() => readConfig({ token: 't', roles: { Mods: 'overlord' } })).toThrow(
      DiscordConfigError,
    );
    expect(() => readConfig({ token: 't', roles: { Mods: 'overlord' } })).toThrow(/roles\.Mods/);
    expect(() => readConfig({})).toThrow(/token/);
    expect(readConfig({ token: 't' })).toMatchObject({
      apiUrl: 'https://discord.com/api',
      useWebhooks: true,
      webhookName: 'Multichat',
    });
  });
});

describe('discord inbound mentions', () => {
  it('names roles and channels, leaves user mentions for the router', () => {
    const names = {
      roleName: (_g: string, id: string) => (id === '5' ? 'Mods' : undefined),
      channelName: (id: string) => (id === '6' ? 'random' : undefined),
    };
    expect(nameRoleAndChannelMentions('<@1> ask <@&5> in <#6> or <#9>', 'g', names)).toBe(
      '<@1> ask @Mods in #random or <#9>',
    );
  });
});
