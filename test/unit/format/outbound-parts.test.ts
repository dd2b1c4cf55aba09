/**
 * Outbound parts: a long rich text rendered per network in parts that never cut a code fence and
 * keep mentions as the target's mentions; the long-edit plan.
 */
import { describe, expect, it } from 'vitest';
import {
  converterFor,
  mapMentions,
  planEdit,
  renderDiscord,
  renderSlack,
  splitRendered,
} from '../../../src/bridges/format/index.js';

/** Markdown as the router hands it: mentions already carry the target's id. */
function outbound(markdown: string, ids: Record<string, string>) {
  const person = (name: string) => (ids[name] ? { id: name, name } : undefined);
  const parsed = converterFor('markdown').parse(markdown, {
    resolver: { toUser: person, toNetwork: () => undefined },
  });
  return mapMentions(parsed, (n) => ({ ...n, user: { ...n.user, id: ids[n.user.id] ?? '' } }));
}

describe('splitRendered', () => {
  const code = Array.from({ length: 400 }, (_, i) => `line ${i} of the code`).join('\n');
  const markdown = `hello @ada\n\n\`\`\`js\n${code}\n\`\`\`\n\nbye @ada`;

  it.each([
    ['discord', renderDiscord, 2000, '<@42>'],
    ['slack', renderSlack, 4000, '<@U42>'],
  ] as const)(
    '%s: every part closes its fences and mentions stay mentions',
    (_, render, limit, mention) => {
      const rich = outbound(markdown, { ada: mention.slice(2, -1) });
      const parts = splitRendered(rich, render, limit);
      expect(parts.length).toBeGreaterThan(2);
      for (const part of parts) {
        expect(part.length).toBeLessThanOrEqual(limit);
        expect((part.match(/```/g) ?? []).length % 2).toBe(0);
      }
      expect(parts[0]).toContain(mention);
      expect(parts.at(-1)).toContain(mention);
      const all = parts.join('\n');
      for (const line of code.split('\n')) expect(all).toContain(line);
    },
  );
});

describe('planEdit', () => {
  it('replaces part i, empties surplus originals, appends the rest', () => {
    expect(planEdit(['a', 'b', 'c'], 2)).toEqual({ replace: ['a', 'b'], append: ['c'] });
    expect(planEdit(['a'], 3)).toEqual({ replace: ['a', '', ''], append: [] });
    expect(planEdit([], 1)).toEqual({ replace: [''], append: [] });
  });
});
