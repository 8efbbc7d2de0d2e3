/**
 * Parent of the search worker threads. The coordinator blocks its own event loop while it waits
 * (check() is synchronous), so it would never see a worker's 'exit' event: this thread, whose loop
 * runs, does. A worker that ends without being asked to (terminated, process.exit in the model,
 * out of memory) is announced on the shared words the coordinator sleeps on, and described on the
 * events port. Terminating this thread ends the workers with it. Plain JavaScript: it loads no
 * TypeScript, so it costs next to nothing to start.
 */
import { parentPort, Worker, workerData } from 'node:worker_threads';

const { entry, workers, ctl: ctlBuffer, events, closing, heartbeat, replied, died, resourceLimits } = workerData;
const ctl = new Int32Array(ctlBuffer);

// alive: the coordinator, which cannot see this thread's 'exit', takes a silence for its end
Atomics.add(ctl, heartbeat, 1);
setInterval(() => Atomics.add(ctl, heartbeat, 1), 100).unref();

const started = workers.map((data, p) => {
  const w = new Worker(new URL(entry), { workerData: data, transferList: [data.port], ...(resourceLimits ? { resourceLimits } : {}) });
  let error;
  w.on('error', (e) => {
    error = e;
  });
  w.on('exit', (code) => {
    if (Atomics.load(ctl, closing) !== 0) return;
    events.postMessage({ partition: p, code, ...(error === undefined ? {} : { error: { name: error.name, message: error.message, code: error.code } }) });
    Atomics.store(ctl, died + p, 1);
    // wake the coordinator if it is waiting for this worker's reply
    Atomics.store(ctl, replied + p, 1);
    Atomics.notify(ctl, replied + p);
  });
  return w;
});

// ThreadPool.terminateWorker: a worker killed from outside, as a crash or an operator would
parentPort.on('message', (m) => {
  if (m?.t === 'terminate') void started[m.partition]?.terminate();
});
parentPort.unref();
