/**
 * Entry of a search worker thread. A fresh thread has no TypeScript loader: run the source's
 * bootstrap (the CLI's, which also resolves `hmm-check/…` imports of specs), else register tsx.
 */
import { workerData } from 'node:worker_threads';

const { bootstrap } = workerData.source;
if (bootstrap) await (await import(bootstrap)).setup();
else (await import('tsx/esm/api')).register();
// (workerData.main: another module serving the requests, e.g. the liveness graph's partitions)
await import(workerData.main ?? './worker.ts');
