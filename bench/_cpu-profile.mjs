/**
 * A V8 CPU profile of one phase of a bench process (`BENCH_CPU_PROF=<dir>`): started and stopped
 * in-process through the inspector, so a child's set-up (building a log) stays out of it, which
 * `node --cpu-prof` cannot do. Without the variable both calls cost nothing. Plain JavaScript so
 * that children running the compiled dist/ under plain node (_catchup-client.mjs) load it too.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Session } from 'node:inspector/promises';

export async function profilePhase(name) {
  const dir = process.env['BENCH_CPU_PROF'];
  if (!dir) return { stop: async () => undefined };
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  // 250 µs instead of the default 1 ms: a catch-up lasts seconds, which gives enough samples.
  await session.post('Profiler.setSamplingInterval', { interval: 250 });
  await session.post('Profiler.start');
  return {
    stop: async () => {
      const { profile } = await session.post('Profiler.stop');
      session.disconnect();
      const path = join(dir, `${name}.cpuprofile`);
      writeFileSync(path, JSON.stringify(profile));
      return path;
    },
  };
}
