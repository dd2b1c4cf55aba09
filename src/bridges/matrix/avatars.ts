/**
 * Ghost avatars, kept in sync in the background. Downloading a bridged person's avatar is a
 * fetch from somebody else's server, which may hang or be gone; a send that waited for it would
 * hold up every later message to the room. So a send only records which avatar the ghost should
 * show, and this class fetches, uploads and sets it on its own time: one job per ghost, a newer
 * URL supersedes an older one, a failure that may pass is retried a bounded number of times, and
 * one that will not (refused address, 404, too large) is given up until the URL changes.
 */

export interface AvatarDeps {
  /** The mxc URI of the avatar at `url`, uploaded as `userId`. */
  upload(url: string, userId: string): Promise<string>;
  /** Sets the ghost's avatar. */
  set(userId: string, mxc: string): Promise<void>;
  /** Told about every failed attempt; `retryInMs` is absent when it is given up. */
  failed(userId: string, url: string, error: Error, retryInMs?: number): void;
}

/** Waits before the second, third and fourth attempt; then the avatar is given up. */
export const AVATAR_RETRY_MS: readonly number[] = [5_000, 30_000, 120_000];

interface Job {
  /** The URL the ghost should show. */
  wanted: string;
  /** The URL it shows (set successfully). */
  shown?: string;
  running: boolean;
  attempt: number;
  timer?: ReturnType<typeof setTimeout>;
}

export class AvatarSync {
  private readonly jobs = new Map<string, Job>();
  private closed = false;

  constructor(
    private readonly deps: AvatarDeps,
    private readonly retryMs: readonly number[] = AVATAR_RETRY_MS,
  ) {}

  /** Records that `userId` should show `url`; returns at once. */
  want(userId: string, url: string): void {
    if (this.closed) return;
    const job = this.jobs.get(userId);
    if (job?.wanted === url) return; // shown, on its way, or given up until it changes
    if (!job) {
      this.jobs.set(userId, { wanted: url, running: false, attempt: 0 });
    } else {
      clearTimeout(job.timer);
      job.timer = undefined;
      job.wanted = url;
      job.attempt = 0;
    }
    const current = this.jobs.get(userId) as Job;
    if (!current.running && current.shown !== url) void this.run(userId, current);
  }

  /** True while some avatar is being fetched or waits for a retry (for tests and shutdown). */
  busy(): boolean {
    return [...this.jobs.values()].some((j) => j.running || j.timer !== undefined);
  }

  /** Stops retries; running attempts end on their own and set nothing more. */
  close(): void {
    this.closed = true;
    for (const job of this.jobs.values()) clearTimeout(job.timer);
    this.jobs.clear();
  }

  private async run(userId: string, job: Job): Promise<void> {
    job.running = true;
    job.timer = undefined;
    const url = job.wanted;
    try {
      const mxc = await this.deps.upload(url, userId);
      if (this.closed || job.wanted !== url) return; // superseded while it downloaded
      await this.deps.set(userId, mxc);
      job.shown = url;
    } catch (error) {
      if (this.closed) return;
      // A superseded URL is still reported (someone may be probing), but never retried.
      const permanent = (error as { permanent?: unknown }).permanent === true;
      const current = job.wanted === url;
      const wait = current && !permanent ? this.retryMs[job.attempt] : undefined;
      this.deps.failed(userId, url, error as Error, wait);
      if (wait !== undefined) {
        job.attempt++;
        job.timer = setTimeout(() => void this.run(userId, job), wait);
        job.timer.unref?.();
      }
    } finally {
      job.running = false;
      // A newer URL arrived while this one ran: go on with it.
      if (!this.closed && job.wanted !== url && job.timer === undefined && job.shown !== job.wanted)
        void this.run(userId, job);
    }
  }
}
