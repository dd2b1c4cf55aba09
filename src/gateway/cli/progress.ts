/**
 * Progress of a long command: a bar (cli-progress: done/total, rate, ETA) when stderr is a
 * terminal, else a plain line every `every` items and at the end, so logs of a non-interactive
 * run stay readable.
 */
import cliProgress from 'cli-progress';
import type { CliIo } from './types.js';

export interface Progress {
  update(done: number): void;
  stop(): void;
}

export function progressFor(io: CliIo, label: string, total: number, tty: boolean): Progress {
  const started = Date.now();
  if (tty) {
    const bar = new cliProgress.SingleBar(
      {
        format: `${label} [{bar}] {value}/{total} | {rate} msg/s | ETA {eta_formatted}`,
        stream: process.stderr,
        hideCursor: true,
      },
      cliProgress.Presets.shades_classic,
    );
    bar.start(total, 0, { rate: 0 });
    return {
      update: (done) => bar.update(done, { rate: rateOf(done, started) }),
      stop: () => bar.stop(),
    };
  }
  let shown = 0;
  const every = Math.max(1, Math.ceil(total / 10));
  const line = (done: number) =>
    io.err(`${label}: ${done}/${total} (${rateOf(done, started)} msg/s)`);
  return {
    update: (done) => {
      if (done - shown < every) return;
      shown = done;
      line(done);
    },
    stop: () => {
      if (shown !== total) line(total);
    },
  };
}

function rateOf(done: number, started: number): number {
  return Math.round(done / Math.max(0.001, (Date.now() - started) / 1000));
}
