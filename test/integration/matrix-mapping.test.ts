/**
 * The Matrix adapter's pure mappings (no homeserver needed): ghost ids ↔ person ids, portal
 * aliases, power levels ↔ roles, and the event contents it sends.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseMarkdown } from '../../src/bridges/format/index.js';
import {
  editContent,
  pilledUsers,
  textContent,
  withRelation,
} from '../../src/bridges/matrix/content.js';
import { htmlOf } from '../../src/bridges/matrix/inbound.js';
import {
  channelOfPortalAlias,
  escapeLocalpart,
  ghostUserId,
  personOfGhost,
  portalAlias,
  unescapeLocalpart,
} from '../../src/bridges/matrix/ids.js';
import { roleChanges, roleOfLevel, withRole } from '../../src/bridges/matrix/power-levels.js';

const naming = { userPrefix: 'mc_', domain: 'example.org' };

describe('Matrix ids', () => {
  it('escapes any person id into a valid localpart and back', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 40 }), (id) => {
        const local = escapeLocalpart(id);
        expect(local).toMatch(/^[a-z0-9._=\-/]*$/);
        expect(unescapeLocalpart(local)).toBe(id);
        expect(personOfGhost(naming, ghostUserId(naming, id))).toBe(id);
      }),
    );
  });

  it('tells ghosts and portal aliases from other ids', () => {
    expect(ghostUserId(naming, 'Ab_c')).toBe('@mc__ab__c:example.org');
    expect(personOfGhost(naming, '@alice:example.org')).toBeUndefined();
    expect(personOfGhost(naming, '@mc_x:other.org')).toBeUndefined();
    expect(portalAlias(naming, 'general')).toBe('#mc_general:example.org');
    expect(channelOfPortalAlias(naming, '#mc_general:example.org')).toBe('general');
    expect(channelOfPortalAlias(naming, '#general:example.org')).toBeUndefined();
  });
});

describe('power levels ↔ roles', () => {
  it('maps levels to roles relative to the room default', () => {
    expect([roleOfLevel(100), roleOfLevel(75), roleOfLevel(50), roleOfLevel(0)]).toEqual([
      'admin',
      'moderator',
      'moderator',
      'member',
    ]);
    expect(roleOfLevel(50, 50)).toBe('member');
  });

  it('reports only users whose role changed', () => {
    const before = { users: { '@a:x': 100, '@b:x': 50, '@c:x': 10 } };
    const after = { users: { '@a:x': 100, '@b:x': 0, '@c:x': 20, '@d:x': 50 } };
    expect(roleChanges(before, after)).toEqual([
      { userId: '@b:x', role: 'member' },
      { userId: '@d:x', role: 'moderator' },
    ]);
  });

  it('writes a role as a level, removing the entry for members', () => {
    const levels = { users: { '@a:x': 50 }, ban: 50 };
    expect(withRole(levels, '@b:x', 'admin')).toEqual({
      users: { '@a:x': 50, '@b:x': 100 },
      ban: 50,
    });
    expect(withRole(levels, '@a:x', 'member')).toEqual({ users: {}, ban: 50 });
  });
});

describe('event contents', () => {
  it('puts the HTML, a plain body and the pilled users in a text', () => {
    const html = '<strong>hi</strong> <a href="https://matrix.to/#/@bob:x">Bob</a>';
    const content = textContent(html, parseMarkdown('**hi** Bob'));
    expect(content).toMatchObject({
      msgtype: 'm.text',
      body: 'hi Bob',
      formatted_body: html,
      'm.mentions': { user_ids: ['@bob:x'] },
    });
    expect(pilledUsers(html)).toEqual(['@bob:x']);
  });

  it('relates replies, threads and edits as the spec says', () => {
    expect(withRelation({ body: 'x' }, '$r')).toEqual({
      body: 'x',
      'm.relates_to': { 'm.in_reply_to': { event_id: '$r' } },
    });
    expect(withRelation({ body: 'x' }, undefined, '$t')['m.relates_to']).toEqual({
      rel_type: 'm.thread',
      event_id: '$t',
      is_falling_back: true,
      'm.in_reply_to': { event_id: '$t' },
    });
    const edit = editContent('$e', {
      msgtype: 'm.text',
      body: 'new',
      format: 'org.matrix.custom.html',
      formatted_body: '<em>new</em>',
    });
    expect(edit).toMatchObject({
      body: '* new',
      formatted_body: '* <em>new</em>',
      'm.new_content': { body: 'new', formatted_body: '<em>new</em>' },
    });
    expect(edit['m.relates_to']).toEqual({ rel_type: 'm.replace', event_id: '$e' });
  });

  it('reads a message as HTML without its reply fallback', () => {
    expect(htmlOf({ body: '> <@a:x> old\n\nnew <b>', msgtype: 'm.text' }, true)).toBe(
      'new &lt;b&gt;',
    );
    expect(
      htmlOf(
        {
          body: 'x',
          format: 'org.matrix.custom.html',
          formatted_body: '<mx-reply>q</mx-reply><em>y</em>',
        },
        true,
      ),
    ).toBe('<em>y</em>');
  });
});
