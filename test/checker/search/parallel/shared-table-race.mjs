/**
 * A thread racing another on one shared fingerprint table (shared-table.test.ts): visits every
 * fingerprint of its list at one depth as worker `w`, and reports each visit's outcome.
 */
import { parentPort, workerData } from 'node:worker_threads';

(await import('tsx/esm/api')).register();
const { SharedFingerprintTable } = await import('../../../../checker/search/parallel/shared-table.ts');
const { table, control, fps, depth, w, go } = workerData;
const t = new SharedFingerprintTable(table, control);
const start = new Int32Array(go);
// every thread starts at once: the races are the point
Atomics.add(start, 0, 1);
while (Atomics.load(start, 0) < start[1]) {}
const out = new Int32Array(fps.length / 2);
const from = new Int32Array(fps.length / 2);
for (let i = 0; i < out.length; i++) {
  out[i] = t.visit(fps[2 * i], fps[2 * i + 1], depth, w);
  from[i] = t.takenFrom;
}
t.flush();
parentPort.postMessage({ out, from });
