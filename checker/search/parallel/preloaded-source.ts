/**
 * A model source module a bundled worker already holds (cli/worker-bundle.ts builds the bundle
 * with it inside): worker.ts takes it instead of importing the source by URL, which a worker
 * without a TypeScript loader could not do.
 */
let preloaded: unknown;

export function preloadSource(mod: unknown): void {
  preloaded = mod;
}

export function preloadedSource(): unknown {
  return preloaded;
}
