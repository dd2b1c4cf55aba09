/**
 * An in-memory LinkControl standing in for the runtime's link manager, for adapters built
 * alone: it keeps the links made and records each call, so a test can check what an in-network
 * command asked for.
 */
import type { LinkControl, LinkInfo } from '../../src/bridges/types.js';

export interface FakeLinkControl extends LinkControl {
  /** The links made and not removed, in creation order. */
  readonly made: LinkInfo[];
  /** `list`, `create <channel>`, `remove <id>` in call order. */
  readonly calls: string[];
}

/** Link ids are `<prefix>1`, `<prefix>2`, …; `channel` is kept as the person wrote it. */
export function fakeLinkControl(prefix = 'l'): FakeLinkControl {
  const made: LinkInfo[] = [];
  const calls: string[] = [];
  let next = 0;
  return {
    made,
    calls,
    async list() {
      calls.push('list');
      return [...made];
    },
    async create(request) {
      calls.push(`create ${request.channel}`);
      next += 1;
      const link: LinkInfo = { id: `${prefix}${next}`, ...request };
      made.push(link);
      return link;
    },
    async remove(id) {
      calls.push(`remove ${id}`);
      const at = made.findIndex((l) => l.id === id);
      if (at >= 0) made.splice(at, 1);
    },
  };
}
