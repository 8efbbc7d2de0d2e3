/**
 * `--workers` when it is not given: the machine's cores, unless that would be slower than one
 * thread by what was measured (README "Worker threads"; results are the same whatever the count):
 * - on two cores, two workers are slower even idle (BEEM at.4 0.90× one thread, `npm run check`
 *   93 s against 72 s on 2026-12-05), so a machine of at most two cores gets one;
 * - on a busy machine (1-minute load average above cores − 0.5: none of them idle as the job
 *   starts) two workers were 0.47–0.69× one, so it gets one too.
 */
import { availableParallelism, loadavg } from 'node:os';

/** the default for `cores` cores at 1-minute load average `load` */
export function workersFor(cores: number, load: number): number {
  if (cores <= 2) return 1;
  return load > cores - 0.5 ? 1 : cores;
}

export function defaultWorkers(): number {
  return workersFor(availableParallelism(), loadavg()[0]!);
}
