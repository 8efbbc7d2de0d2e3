// Follows: Linux v6.19 — (no kernel file: the patch API)
/**
 * A patch under review, as data: what a reviewer changes in the model from one spec file,
 * without editing model/. It can
 *  - replace the body of any labelled step (`steps`), e.g. move a TLB flush or drop a reference;
 *  - replace or wrap the guard of any labelled step (`guards`): when it can run, e.g. a path that
 *    no longer waits for the folio lock; a replaced body keeps its label's guard;
 *  - add labels (`labels`): split a step by giving its first half a body that jumps to a new label;
 *  - add state (`fields`): named words, global or one per mm, per frame or per device, each with
 *    an initial value; they are shown in traces as `patch.<name>[i]`;
 *  - add a request a CPU or device thread can issue (`requests`: a syscall or an ioctl), started
 *    at a label of the program;
 * and HmmConfig's `driver` takes a full DriverBehaviour record beside the variant names.
 * Anything else in a patch is an error, never ignored: a misspelt key would otherwise check the
 * unpatched model and report "holds".
 */
import type { AddedLabelOf, GuardImplOf, StepImplOf } from './program.ts';

/**
 * The driver's mmu_interval_notifier_ops.invalidate for device d, run by actor t inside its
 * invalidation (mn_itree_invalidate): the successor state, or null while it sleeps (a lock).
 * `s` must not be modified; the result is a copy. It runs only when its guard
 * (InvalidateGuardOf, patch `ops.invalidateGuard`) holds, and must then return a state.
 */
export type InvalidateOpOf<C> = (c: C, s: Int32Array, t: number, d: number) => Int32Array | null;

/** Can the driver's invalidate callback for device d run now (the lock it takes is free)? Pure. */
export type InvalidateGuardOf<C> = (c: C, s: Int32Array, t: number, d: number) => boolean;

export type FieldScope = 'global' | 'mm' | 'frame' | 'device';

export interface PatchField {
  /** one word, or one per mm, per frame (including the zero page and device frames) or per device
   *  file ('device': one per open fd, struct dmirror — per device when each device has one fd) */
  readonly scope: FieldScope;
  /** initial value (default 0); a frame's word is also reset to it when the frame is freed */
  readonly init?: number;
}

export interface PatchRequest {
  /** which threads may issue it: a CPU thread (syscall) or a device thread (ioctl) */
  readonly actor: 'cpu' | 'dev';
  /** the label its first step runs at (a declared label or one this patch adds) */
  readonly start: string;
}

/** A patch; C is the model context its functions receive (ctx.ts: HmmPatch = HmmPatchOf<Ctx>). */
export interface HmmPatchOf<C> {
  /** a short name, shown in model ids and reports */
  readonly name: string;
  /** new bodies for labelled steps, by label (see labels.ts for the labels) */
  readonly steps?: Readonly<Record<string, StepImplOf<C>>>;
  /**
   * new guards for labelled steps (`(c, s, t) => boolean`: can actor t take the step now), or
   * `{ wrap: (original) => guard }`; a label keeps its guard unless the patch gives one here
   */
  readonly guards?: Readonly<Record<string, GuardImplOf<C>>>;
  /** labels this patch adds, numbered after the declared ones */
  readonly labels?: readonly AddedLabelOf<C>[];
  /** state words this patch adds */
  readonly fields?: Readonly<Record<string, PatchField>>;
  /** request names a thread's `ops` may use besides the built-in ones */
  readonly requests?: Readonly<Record<string, PatchRequest>>;
  /**
   * the driver callbacks, each given the model's own (so a patch can wrap it): `invalidate` is
   * mmu_interval_notifier_ops.invalidate (dmirror_interval_invalidate / hmm.rst's callback)
   */
  readonly ops?: {
    readonly invalidate?: (original: InvalidateOpOf<C>) => InvalidateOpOf<C>;
    /** when the callback can run (the locks it waits for), given the model's own */
    readonly invalidateGuard?: (original: InvalidateGuardOf<C>) => InvalidateGuardOf<C>;
  };
}

const PATCH_KEYS = new Set(['name', 'steps', 'guards', 'labels', 'fields', 'requests', 'ops']);
const OPS_KEYS = new Set(['invalidate', 'invalidateGuard']);
const FIELD_KEYS = new Set(['scope', 'init']);
const REQUEST_KEYS = new Set(['actor', 'start']);
const LABEL_KEYS = new Set(['name', 'file', 'fn', 'emits', 'body', 'guard']);
const SCOPES = new Set<string>(['global', 'mm', 'frame', 'device']);
const IDENT = /^[A-Za-z_][A-Za-z0-9_]*$/;

function unknownKeys(what: string, o: object, allowed: ReadonlySet<string>): void {
  for (const k of Object.keys(o)) {
    if (!allowed.has(k)) throw new RangeError(`${what} has no key '${k}' (allowed: ${[...allowed].join(', ')})`);
  }
}

/** Reject anything a patch cannot mean; the program checks label names when it is built. */
export function validatePatch(p: HmmPatchOf<unknown>): void {
  if (typeof p !== 'object' || p === null) throw new RangeError('patch must be an object');
  unknownKeys('patch', p, PATCH_KEYS);
  if (typeof p.name !== 'string' || p.name === '') throw new RangeError('patch.name must be a non-empty string');
  for (const [l, impl] of Object.entries(p.steps ?? {})) {
    const ok = typeof impl === 'function' || (typeof impl === 'object' && impl !== null &&
      (('body' in impl && typeof impl.body === 'function') || ('wrap' in impl && typeof impl.wrap === 'function')));
    if (!ok) throw new RangeError(`patch.steps.${l} must be a step function (c, s, t, emit), { body, emits } or { wrap: (original) => step }`);
  }
  for (const [l, g] of Object.entries(p.guards ?? {})) {
    const ok = typeof g === 'function' || (typeof g === 'object' && g !== null && 'wrap' in g && typeof g.wrap === 'function');
    if (!ok) throw new RangeError(`patch.guards.${l} must be a guard (c, s, t) => boolean or { wrap: (original) => guard }`);
  }
  for (const a of p.labels ?? []) {
    unknownKeys(`patch label '${a.name}'`, a, LABEL_KEYS);
    if (!IDENT.test(a.name)) throw new RangeError(`patch label '${a.name}' must be an identifier`);
    if (typeof a.body !== 'function') throw new RangeError(`patch label '${a.name}' needs a body`);
    if (a.guard !== undefined && typeof a.guard !== 'function') throw new RangeError(`patch label '${a.name}': guard must be a function (c, s, t) => boolean`);
  }
  for (const [name, f] of Object.entries(p.fields ?? {})) {
    if (!IDENT.test(name)) throw new RangeError(`patch field '${name}' must be an identifier`);
    unknownKeys(`patch field '${name}'`, f, FIELD_KEYS);
    if (!SCOPES.has(f.scope)) throw new RangeError(`patch field '${name}': scope must be global, mm, frame or device`);
    if (f.init !== undefined && !Number.isInteger(f.init)) throw new RangeError(`patch field '${name}': init must be an integer`);
  }
  if (p.ops !== undefined) {
    unknownKeys('patch.ops', p.ops, OPS_KEYS);
    if (p.ops.invalidate !== undefined && typeof p.ops.invalidate !== 'function') {
      throw new RangeError('patch.ops.invalidate must be a function (original) => (c, s, t, d) => state');
    }
    if (p.ops.invalidateGuard !== undefined && typeof p.ops.invalidateGuard !== 'function') {
      throw new RangeError('patch.ops.invalidateGuard must be a function (original) => (c, s, t, d) => boolean');
    }
  }
  for (const [name, r] of Object.entries(p.requests ?? {})) {
    unknownKeys(`patch request '${name}'`, r, REQUEST_KEYS);
    if (r.actor !== 'cpu' && r.actor !== 'dev') throw new RangeError(`patch request '${name}': actor must be 'cpu' or 'dev'`);
  }
}
