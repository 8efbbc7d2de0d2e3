/**
 * `--workers` when it is not given: the machine's cores, unless that would be slower than one
 * thread by what was measured (README "Worker threads"; results are the same whatever the count):
 * - on two cores, two workers gain nothing measurable for more CPU, idle (2026-12-05, 07:30 UTC,
 *   interleaved: BEEM at.4 with the 2 s trial 4.99–5.36 s against 4.55–6.43 s, 8.8–9.4 s CPU
 *   against 6.1–7.8 s; `npm run check` 83–88 s against 81–92 s), so a machine of at most two
 *   cores gets one (threads from the start, at.4's ×2 is 1.3× one worker: README "Worker threads");
 * - on a busy machine (1-minute load average above cores − 0.5: none of them idle as the job
 *   starts) two workers were 0.47–0.69× one, so it gets one too.
 */
import { availableParallelism, loadavg } from 'node:os';

/** the default for `cores` cores at 1-minute load average `load` */
export function workersFor(cores: number, load: number): number {
  if (cores <= 2) return 1;
  return load > cores - 0.5 ? 1 : cores;
}

/** `--workers auto`: every core, whatever the load (TLC's -workers auto) */
export function allCores(): number {
  return availableParallelism();
}

export function defaultWorkers(): number {
  return workersFor(availableParallelism(), loadavg()[0]!);
}
