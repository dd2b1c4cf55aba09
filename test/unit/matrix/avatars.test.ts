/**
 * Background ghost avatars: `want` never waits for the download; a failure that may pass is
 * retried a bounded number of times, a permanent one once; a newer URL wins over one still
 * downloading; a URL given up is not tried again until it changes.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { AvatarSync, type AvatarDeps } from '../../../src/bridges/matrix/avatars.js';

class Transient extends Error {
  readonly permanent = false;
}
class Permanent extends Error {
  readonly permanent = true;
}

interface Recorder extends AvatarDeps {
  readonly uploads: string[];
  readonly sets: Array<[string, string]>;
  readonly failures: Array<{ url: string; retryInMs?: number }>;
}

function recorder(upload: (url: string) => Promise<string>): Recorder {
  const r: Recorder = {
    uploads: [],
    sets: [],
    failures: [],
    upload: (url) => {
      r.uploads.push(url);
      return upload(url);
    },
    set: async (userId, mxc) => void r.sets.push([userId, mxc]),
    failed: (_userId, url, _error, retryInMs) =>
      void r.failures.push({ url, ...(retryInMs !== undefined && { retryInMs }) }),
  };
  return r;
}

let sync: AvatarSync | undefined;
afterEach(() => sync?.close());

describe('AvatarSync', () => {
  it('returns at once while the download hangs, and sets the avatar when it comes', async () => {
    let release: (mxc: string) => void = () => undefined;
    const deps = recorder(() => new Promise((resolve) => (release = resolve)));
    sync = new AvatarSync(deps, [5]);
    sync.want('@g:x', 'https://a/1.png');
    sync.want('@g:x', 'https://a/1.png'); // the same URL again starts nothing new
    expect(deps.uploads).toEqual(['https://a/1.png']);
    expect(sync.busy()).toBe(true);
    release('mxc://x/1');
    await vi.waitFor(() => expect(deps.sets).toEqual([['@g:x', 'mxc://x/1']]));
    sync.want('@g:x', 'https://a/1.png'); // shown already
    expect(deps.uploads).toHaveLength(1);
    expect(sync.busy()).toBe(false);
  });

  it('retries a passing failure as often as it has delays, then gives up until the URL changes', async () => {
    const deps = recorder(() => Promise.reject(new Transient('503')));
    sync = new AvatarSync(deps, [5, 10]);
    sync.want('@g:x', 'https://a/flaky.png');
    await vi.waitFor(() => expect(deps.failures).toHaveLength(3));
    expect(deps.failures.map((f) => f.retryInMs)).toEqual([5, 10, undefined]);
    expect(sync.busy()).toBe(false);
    sync.want('@g:x', 'https://a/flaky.png');
    expect(deps.uploads).toHaveLength(3);
    sync.want('@g:x', 'https://a/other.png');
    expect(deps.uploads).toHaveLength(4);
  });

  it('tries a permanent failure once', async () => {
    const deps = recorder(() => Promise.reject(new Permanent('404')));
    sync = new AvatarSync(deps, [5, 10]);
    sync.want('@g:x', 'https://a/gone.png');
    await vi.waitFor(() => expect(deps.failures).toEqual([{ url: 'https://a/gone.png' }]));
    expect(deps.uploads).toEqual(['https://a/gone.png']);
    expect(sync.busy()).toBe(false);
  });

  it('lets a newer URL win over one still downloading', async () => {
    const pending = new Map<string, (mxc: string) => void>();
    const deps = recorder((url) => new Promise((resolve) => pending.set(url, resolve)));
    sync = new AvatarSync(deps, []);
    sync.want('@g:x', 'https://a/old.png');
    sync.want('@g:x', 'https://a/new.png');
    expect(deps.uploads).toEqual(['https://a/old.png']); // one job per ghost
    pending.get('https://a/old.png')?.('mxc://x/old');
    await vi.waitFor(() =>
      expect(deps.uploads).toEqual(['https://a/old.png', 'https://a/new.png']),
    );
    pending.get('https://a/new.png')?.('mxc://x/new');
    await vi.waitFor(() => expect(deps.sets).toEqual([['@g:x', 'mxc://x/new']]));
  });

  it('keeps ghosts apart and stops retrying when closed', async () => {
    const deps = recorder((url) =>
      url.includes('bad')
        ? Promise.reject(new Transient('down'))
        : Promise.resolve(`mxc://${url.slice(-5)}`),
    );
    sync = new AvatarSync(deps, [60_000]);
    sync.want('@a:x', 'https://a/bad.png');
    sync.want('@b:x', 'https://a/b.png');
    await vi.waitFor(() => expect(deps.sets).toEqual([['@b:x', 'mxc://b.png']]));
    await vi.waitFor(() =>
      expect(deps.failures).toEqual([{ url: 'https://a/bad.png', retryInMs: 60_000 }]),
    );
    expect(sync.busy()).toBe(true);
    sync.close();
    expect(sync.busy()).toBe(false);
    sync.want('@a:x', 'https://a/bad2.png');
    expect(deps.uploads).toHaveLength(2);
  });
});
