/**
 * Entry of the check worker thread. Loader hooks registered on the main thread do not reach
 * workers in Node 20, so the worker registers tsx and the `hmm-check` resolver itself.
 */
import { setup } from './bootstrap.mjs';

await setup();
await import('./worker.ts');
