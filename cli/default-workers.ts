/**
 * `--workers` when it is not given: the machine's cores, unless none of them is idle as the job
 * starts (1-minute load average above cores − 0.5; it counts this run's own thread). On two busy
 * cores two workers were measured slower than one (0.47–0.69×, README "Worker threads"), and the
 * results are the same whatever the count, so a busy machine gets the single-threaded search.
 */
import { availableParallelism, loadavg } from 'node:os';

export function defaultWorkers(): number {
  const cores = availableParallelism();
  return loadavg()[0]! > cores - 0.5 ? 1 : cores;
}
