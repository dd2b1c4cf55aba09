/**
 * Which written lines the server has certainly processed. IRC acknowledges nothing, but a server
 * handles one client's commands in order, so the PONG to a PING we wrote after some lines means
 * those lines were handled. Lines still unconfirmed when the connection drops may never have
 * been read (ngircd, for one, queues a client's commands under its penalty time), so they are
 * sent again after the reconnect: at-least-once, and nothing lost to a server restart.
 */

export class Confirmations {
  /** Lines written and not yet confirmed, oldest first, with the count of PINGs before them. */
  private pending: { line: string; epoch: number }[] = [];
  private epoch = 0;
  private outstanding: string | undefined;
  private counter = 0;

  /** Unconfirmed lines. */
  get size(): number {
    return this.pending.length;
  }

  /** True while a PING is out and not answered. */
  get waiting(): boolean {
    return this.outstanding !== undefined;
  }

  /** Records a written line that must survive a disconnect. */
  written(line: string): void {
    this.pending.push({ line, epoch: this.epoch });
  }

  /** A PING token for the lines written so far; undefined when nothing needs confirming. */
  ping(): string | undefined {
    if (this.outstanding !== undefined || this.pending.length === 0) return undefined;
    this.outstanding = `mc${++this.counter}`;
    this.epoch++;
    return this.outstanding;
  }

  /** A PONG arrived; true when it was ours (the lines before it are then confirmed). */
  pong(token: string): boolean {
    if (token !== this.outstanding) return false;
    const done = this.epoch;
    this.pending = this.pending.filter((p) => p.epoch >= done);
    this.outstanding = undefined;
    return true;
  }

  /** The connection dropped: hands back every unconfirmed line, oldest first, and forgets them. */
  takeUnconfirmed(): string[] {
    const lines = this.pending.map((p) => p.line);
    this.pending = [];
    this.outstanding = undefined;
    return lines;
  }
}
