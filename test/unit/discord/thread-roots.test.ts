/**
 * Discord thread roots: messages of a thread are carried as a thread, with a root message the
 * other networks know, for threads started from a message, forum posts and threads started
 * without a message.
 */
import { describe, expect, it } from 'vitest';
import { encodeMessageId } from '../../../src/bridges/discord/ids.js';
import { ThreadRoots } from '../../../src/bridges/discord/thread-roots.js';
import type { ExternalMessageId } from '../../../src/bridges/types.js';

const T = '300000000000000001';
const id = (message: string) => encodeMessageId(message, T);

describe('ThreadRoots', () => {
  it('a thread started from a message has that message (the thread id, in the parent) as root', () => {
    const roots = new ThreadRoots();
    expect(roots.forMessage(T, id('300000000000000002'), false)).toBe(T as ExternalMessageId);
  });

  it("a forum post's first message is the root; later messages of the post name it", () => {
    const roots = new ThreadRoots();
    // The post's first message has the thread's id.
    expect(roots.forMessage(T, id(T), true)).toBeUndefined();
    expect(roots.forMessage(T, id('300000000000000005'), true)).toBe(id(T));
    expect(roots.rootOf(T, true)).toBe(id(T));
  });

  it('a thread started without a message: its first message becomes the root', () => {
    const roots = new ThreadRoots();
    roots.startedWithoutMessage(T);
    expect(roots.rootOf(T, false)).toBeUndefined();
    const first = id('300000000000000007');
    expect(roots.forMessage(T, first, false)).toBeUndefined();
    expect(roots.forMessage(T, id('300000000000000008'), false)).toBe(first);
    // A repeated notice does not forget the root.
    roots.startedWithoutMessage(T);
    expect(roots.rootOf(T, false)).toBe(first);
  });
});
