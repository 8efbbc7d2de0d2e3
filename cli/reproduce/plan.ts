/**
 * From a counterexample's steps to a schedule of user-space operations: which syscall or
 * dmirror ioctl each step belongs to, which operations the trace runs one after another (the
 * generated program orders them with barriers) and which it interleaves inside the kernel (the
 * program races them in a loop), and what each read may legally return.
 *
 * Actors: `devN.tM` is thread M issuing ioctls on /dev/hmm_dmirrorN; `mirrorK.tM` is thread M
 * issuing ioctls on open file K, whose device the trace's file records give (a configuration
 * with `fds`, where one device may be opened more than once); `cpuN` is a user thread
 * (madvise, CPU accesses); `core-mm` (reclaim, NUMA hinting) and `oom_reaper` are background
 * kernel activity that user space can only approximate — each approximation is named in
 * `approximations` and in the report.
 */
import { parseTrace, ReproduceError, type ParsedTrace, type TraceHeader, type TraceStep } from './trace.ts';

/** open files the C runtime holds (kernel/repro.h MAX_FDS) */
export const MAX_FDS = 8;

export type OpKind = 'migrate_to_dev' | 'device_read' | 'device_write' | 'madv_dontneed' | 'madv_free' | 'cpu_read' | 'cpu_write' | 'reclaim' | 'numa_scan';

export interface Op {
  /** position in the plan (also names the value a write op stores) */
  readonly id: number;
  readonly actor: string;
  readonly kind: OpKind;
  readonly page: number;
  /** trace steps covered, first and last (1-based) */
  readonly first: number;
  readonly last: number;
  /** device number for dmirror ops, else -1 */
  readonly device: number;
  /** the open file a dmirror op is issued on (without file records: fd d is device d's), else -1 */
  readonly fd: number;
}

/** A value a page may hold: the round's initial contents, zero, or what write op `id` stored. */
export type Value = { readonly kind: 'init' } | { readonly kind: 'zero' } | { readonly kind: 'write'; readonly op: number };

export interface Phase {
  readonly ops: readonly Op[];
  /** true when the trace interleaves these ops' kernel steps: the program races them */
  readonly racing: boolean;
  /** for each read op of this phase (by id): the values it may legally return */
  readonly legalReads: ReadonlyMap<number, readonly Value[]>;
}

export interface Plan {
  readonly trace: ParsedTrace;
  readonly actors: readonly string[];
  readonly devices: number;
  readonly pages: number;
  readonly ops: readonly Op[];
  readonly phases: readonly Phase[];
  /** values the page(s) may hold after the trace, per page */
  readonly finalLegal: ReadonlyMap<number, readonly Value[]>;
  readonly approximations: readonly string[];
  readonly usesNuma: boolean;
}

/** Specs whose actors are the kernel's own test driver, lib/test_hmm.c, as the VM runs it. */
const DMIRROR_SPECS = new Set(['hmm-dmirror', 'hmm-selftests']);

const DEVICE_ACTOR = /^dev(\d+)\.t(\d+)$/;
const MIRROR_ACTOR = /^mirror(\d+)\.t(\d+)$/;
const CPU_ACTOR = /^cpu(\d+)$/;

/** A device thread named by its open file (`mirror<fd>.t<n>`): the trace lists its files. */
export function isFileActor(actor: string): boolean {
  return MIRROR_ACTOR.test(actor);
}

function actorClass(a: string): 'device' | 'cpu' | 'core-mm' | 'oom' | null {
  if (DEVICE_ACTOR.test(a) || MIRROR_ACTOR.test(a)) return 'device';
  if (CPU_ACTOR.test(a)) return 'cpu';
  if (a === 'core-mm') return 'core-mm';
  if (a === 'oom_reaper') return 'oom';
  return null;
}

interface Draft {
  actor: string;
  kind: OpKind | null;
  page: number | null;
  first: number;
  last: number;
  /** device read/write: finished at its successful do_read/do_write; migrate: after its read-back */
  done: boolean;
  /** migrate_to_dev: finalize seen, the read-back do_read still belongs to it */
  readback: boolean;
}

const CPU_STARTERS = new Set(['mmap_read_lock', 'lock_mm_and_find_vma', 'cpu_access', 'mmap_write_lock']);
const CPU_DEFINERS: Readonly<Record<string, OpKind>> = {
  zap_page_range_single: 'madv_dontneed',
  madvise_free_pte_range: 'madv_free',
  lock_mm_and_find_vma: 'cpu_read',
  cpu_access: 'cpu_read',
};
/** steps inside a CPU fault that only a write makes */
const CPU_WRITE_STEPS = new Set(['wp_page_copy', 'wp_page_copy_set_pte', 'do_wp_page']);
/** steps of the fault-back a CPU access (or a device fault) makes of a device-private page */
const INNER_OK = new Set([
  'mmu_notifier_invalidate_range_start', 'mmu_notifier_invalidate_range_end', 'dmirror_interval_invalidate',
  'mmap_read_lock', 'mmap_read_unlock', 'mutex_lock', 'mmu_interval_read_begin', 'mmu_interval_read_retry',
  'hmm_range_fault', 'dmirror_do_fault', 'do_anonymous_page', 'do_swap_page', 'do_numa_page', 'folio_unlock',
  'migrate_vma_setup', 'migrate_vma_collect_pmd', 'migrate_device_unmap', 'dmirror_migrate_alloc_and_copy',
  'migrate_vma_pages', 'dmirror_migrate_finalize_and_map', 'migrate_vma_finalize', 'dmirror_devmem_fault_alloc_and_copy',
  'try_to_unmap_one', 'change_prot_numa_set', 'wp_page_copy', 'wp_page_copy_set_pte', 'do_wp_page',
  'zap_page_range_single', 'madvise_free_pte_range', 'lock_mm_and_find_vma', 'cpu_access', 'unmap_page_range',
  'mmap_read_trylock', 'hmm_vma_fault',
]);

function cannot(trace: ParsedTrace, s: TraceStep, why: string): never {
  throw new ReproduceError(
    `${trace.file}: step ${s.index} (${s.actor}: ${s.kind}) cannot be issued from user space by the reproducer: ${why}`,
    'reproduce a counterexample whose steps are dmirror ioctls (READ, WRITE, MIGRATE_TO_DEV), madvise (DONTNEED, FREE), CPU accesses, reclaim or NUMA hinting; the .md next to the trace lists its steps',
  );
}

function inconsistent(trace: ParsedTrace, s: TraceStep, why: string): never {
  throw new ReproduceError(
    `${trace.file}: step ${s.index}'s actor "${s.actor}" does not fit the trace's open files: ${why} (the file was edited, or written by another version)`,
    'pass the counterexample unmodified, as `npm run check` wrote it, or regenerate it with `npm run check`',
  );
}

/** The open file and device a dmirror actor's ioctls go to: `devD` is device D's one file, `mirrorK` file K of the trace's records. */
function fileOf(trace: ParsedTrace, s: TraceStep): { fd: number; device: number } {
  const dm = DEVICE_ACTOR.exec(s.actor);
  if (dm) {
    if (trace.files !== null) inconsistent(trace, s, `the trace lists ${trace.files.length} open files (mirror0, …), so its device threads are named mirror<fd>.t<n>, not dev<d>.t<n>`);
    return { fd: Number(dm[1]), device: Number(dm[1]) };
  }
  const k = Number(MIRROR_ACTOR.exec(s.actor)![1]);
  if (trace.files === null) inconsistent(trace, s, 'the trace has no open-file records (device[i].mirror, of_device), so no fd is known to it');
  const f = trace.files[k];
  const n = trace.files.length;
  if (f === undefined) inconsistent(trace, s, `fd ${k} is out of range (the trace lists ${n} open file${n === 1 ? ', mirror0' : `s, mirror0–mirror${n - 1}`})`);
  if (f.mm !== 0) cannot(trace, s, `fd ${k} was opened by the fork child (mm ${f.mm}); the reproducer is one process`);
  return { fd: k, device: f.device };
}

/** Splits each actor's steps into the operations (syscalls, ioctls, background passes) they belong to. */
function extractOps(trace: ParsedTrace): { ops: Op[]; approximations: string[] } {
  const open = new Map<string, Draft>();
  const drafts: Draft[] = [];
  const approximations = new Set<string>();
  const start = (s: TraceStep, kind: OpKind | null): Draft => {
    const d: Draft = { actor: s.actor, kind, page: s.page, first: s.index, last: s.index, done: false, readback: false };
    open.set(s.actor, d);
    drafts.push(d);
    return d;
  };
  if (trace.files !== null && trace.files.length > MAX_FDS) {
    throw new ReproduceError(`${trace.file} lists ${trace.files.length} open files; the reproducer holds at most ${MAX_FDS}`, 'reproduce a counterexample of a configuration with fewer open files');
  }
  const files = new Map<string, { fd: number; device: number }>();
  for (const s of trace.steps) {
    const cls = actorClass(s.actor);
    if (cls === null) cannot(trace, s, `"${s.actor}" is no user thread, core-mm or OOM reaper actor`);
    if (cls === 'device' && !files.has(s.actor)) files.set(s.actor, fileOf(trace, s));
    let cur = open.get(s.actor);
    const failed = /-E[A-Z]+/.test(s.info);
    if (cls === 'device') {
      if (s.kind === 'migrate_vma_setup' && (cur === undefined || cur.done)) cur = start(s, 'migrate_to_dev');
      else if ((s.kind === 'dmirror_do_read' || s.kind === 'dmirror_do_write') && cur !== undefined && cur.kind === 'migrate_to_dev' && cur.readback && !cur.done) {
        cur.done = true; // the read-back MIGRATE_TO_DEV does before returning
      } else if ((s.kind === 'dmirror_do_read' || s.kind === 'dmirror_do_write') && (cur === undefined || cur.done)) {
        cur = start(s, s.kind === 'dmirror_do_read' ? 'device_read' : 'device_write');
        if (!failed) cur.done = true;
      } else if ((s.kind === 'dmirror_do_read' || s.kind === 'dmirror_do_write') && cur !== undefined) {
        if (!failed) cur.done = true;
      } else if (cur === undefined || cur.done) {
        cannot(trace, s, 'it begins a device operation other than READ, WRITE or MIGRATE_TO_DEV');
      } else if (!INNER_OK.has(s.kind)) {
        cannot(trace, s, 'the reproducer has no user-space counterpart for this step');
      }
      if (s.kind === 'migrate_vma_finalize' && cur!.kind === 'migrate_to_dev') cur!.readback = true;
    } else if (cls === 'cpu') {
      if (cur === undefined || (CPU_STARTERS.has(s.kind) && cur.kind !== null)) cur = start(s, null);
      if (cur === undefined) cannot(trace, s, 'a CPU step outside any system call the reproducer knows');
      const def = CPU_DEFINERS[s.kind];
      if (def !== undefined && (cur.kind === null || cur.kind === 'cpu_read')) cur.kind = def;
      if (CPU_WRITE_STEPS.has(s.kind) && cur.kind === 'cpu_read') cur.kind = 'cpu_write';
      if (s.kind === 'mmap_write_lock' || s.kind === 'change_pte_range' || s.kind === 'zap_pte_range') {
        cannot(trace, s, 'mprotect and munmap are not generated yet (they take mmap_write_lock, so they never race the dmirror operations inside the kernel)');
      }
      if (!INNER_OK.has(s.kind) && def === undefined) cannot(trace, s, 'the reproducer has no user-space counterpart for this step');
    } else if (cls === 'core-mm') {
      if (s.kind === 'try_to_unmap') {
        cur = start(s, 'reclaim');
        approximations.add('reclaim (core-mm try_to_unmap) is approximated by madvise(MADV_PAGEOUT) on the page, which runs the same shrink_folio_list → try_to_unmap path for that one folio');
      } else if (s.kind === 'change_prot_numa') {
        cur = start(s, 'numa_scan');
        approximations.add('NUMA hinting (core-mm change_prot_numa) cannot be called from user space: the program enables NUMA balancing with the shortest scan periods (VM booted with numa=fake=2) and spins until dmirror\'s snapshot shows the scan changed the page, so the scan\'s timing is the scheduler\'s, not the trace\'s');
      } else if (cur === undefined) {
        cannot(trace, s, 'core-mm activity other than reclaim (try_to_unmap) or NUMA hinting (change_prot_numa)');
      } else if (!INNER_OK.has(s.kind)) {
        cannot(trace, s, 'the reproducer has no user-space counterpart for this step');
      }
    } else {
      if (s.kind === 'mmap_read_trylock') {
        cur = start(s, 'madv_dontneed');
        approximations.add('the OOM reaper only reaps a process being OOM-killed, which would end the reproducer; its zap (unmap_page_range under mmap_read_lock) is approximated by madvise(MADV_DONTNEED) from another thread, the same zap with a blockable MMU_NOTIFY_CLEAR instead of a non-blockable MMU_NOTIFY_UNMAP');
      } else if (cur === undefined) cannot(trace, s, 'an OOM-reaper step before its mmap_read_trylock');
      else if (!INNER_OK.has(s.kind)) cannot(trace, s, 'the reproducer has no user-space counterpart for this step');
    }
    cur!.last = s.index;
    if (cur!.page === null) cur!.page = s.page;
  }
  const ops: Op[] = [];
  for (const d of drafts) {
    if (d.kind === null) {
      const s = trace.steps.find((x) => x.index === d.first)!;
      cannot(trace, s, 'the trace ends before this system call shows what it is (no zap, madvise_free or fault step follows)');
    }
    const f = files.get(d.actor);
    ops.push({ id: ops.length, actor: d.actor, kind: d.kind, page: d.page ?? 0, first: d.first, last: d.last, device: f?.device ?? -1, fd: f?.fd ?? -1 });
  }
  return { ops, approximations: [...approximations] };
}

/** Operations whose step spans interleave (transitively) form one racing phase; the rest run alone, in trace order. */
function group(ops: readonly Op[]): Op[][] {
  const sorted = [...ops].sort((a, b) => a.first - b.first);
  const groups: Op[][] = [];
  let end = -1;
  for (const op of sorted) {
    const g = groups[groups.length - 1];
    if (g !== undefined && op.first <= end) g.push(op);
    else groups.push([op]);
    end = Math.max(end, op.last);
  }
  return groups;
}

const key = (v: Value): string => (v.kind === 'write' ? `w${v.op}` : v.kind);

function uniq(vs: readonly Value[]): Value[] {
  const seen = new Map<string, Value>();
  for (const v of vs) seen.set(key(v), v);
  return [...seen.values()].sort((a, b) => key(a).localeCompare(key(b)));
}

/** What one op does to the set of values its page may hold. */
function apply(op: Op, legal: readonly Value[]): Value[] {
  switch (op.kind) {
    case 'cpu_write':
    case 'device_write':
      return [{ kind: 'write', op: op.id }];
    case 'madv_dontneed':
      return [{ kind: 'zero' }];
    case 'madv_free':
      // until the next write, reclaim may discard the page at any time
      return uniq([...legal, { kind: 'zero' }]);
    default:
      return [...legal];
  }
}

function permutations<T>(xs: readonly T[]): T[][] {
  if (xs.length <= 1) return [[...xs]];
  return xs.flatMap((x, i) => permutations([...xs.slice(0, i), ...xs.slice(i + 1)]).map((p) => [x, ...p]));
}

/** Only traces of lib/test_hmm.c's model can run on the VM's kernel. */
export function assertReproducibleSpec(trace: TraceHeader & { readonly file: string }): void {
  if (!DMIRROR_SPECS.has(trace.spec)) {
    const why = trace.spec === 'hmm-reference'
      ? 'its driver is hmm.rst\'s textbook driver, which exists only in the model; the VM runs lib/test_hmm.c. Reproduce the hmm-dmirror counterexample of the same config instead (counterexamples/hmm-dmirror/<config>/)'
      : `spec "${trace.spec || '(none)'}" is not a model of lib/test_hmm.c on Linux (only hmm-dmirror and hmm-selftests traces can run on the VM's kernel)`;
    throw new ReproduceError(`${trace.file} cannot be reproduced on a kernel: ${why}`, 'pass a trace from counterexamples/hmm-dmirror/ or counterexamples/hmm-selftests/');
  }
}

export function planFromTrace(trace: ParsedTrace): Plan {
  assertReproducibleSpec(trace);
  const { ops, approximations } = extractOps(trace);
  const byPage = new Map<number, Value[]>();
  const legalOf = (p: number): Value[] => byPage.get(p) ?? [{ kind: 'init' }];
  const phases: Phase[] = [];
  for (const g of group(ops)) {
    const racing = new Set(g.map((o) => o.actor)).size > 1;
    const legalReads = new Map<number, Value[]>();
    const pages = [...new Set(g.map((o) => o.page))];
    // every interleaving the race allows (ops of one actor keep their order)
    const orders = racing ? permutations(g).filter((p) => g.every((a, i) => g.every((b, j) => !(i < j && a.actor === b.actor) || p.indexOf(a) < p.indexOf(b)))) : [g];
    const after = new Map<number, Value[]>();
    for (const order of orders) {
      const state = new Map(pages.map((p) => [p, legalOf(p)] as const));
      for (const op of order) {
        if (op.kind === 'device_read' || op.kind === 'cpu_read') legalReads.set(op.id, uniq([...(legalReads.get(op.id) ?? []), ...state.get(op.page)!]));
        state.set(op.page, apply(op, state.get(op.page)!));
      }
      for (const [p, vs] of state) after.set(p, uniq([...(after.get(p) ?? []), ...vs]));
    }
    for (const [p, vs] of after) byPage.set(p, vs);
    phases.push({ ops: g, racing, legalReads });
  }
  const pages = Math.max(...ops.map((o) => o.page)) + 1;
  const finalLegal = new Map<number, Value[]>();
  for (let p = 0; p < pages; p++) finalLegal.set(p, legalOf(p));
  const actors = [...new Set(ops.map((o) => o.actor))].sort();
  const devices = Math.max(0, ...ops.map((o) => o.device + 1), ...(trace.files ?? []).map((f) => f.device + 1));
  return { trace, actors, devices: Math.max(devices, 1), pages, ops, phases, finalLegal, approximations, usesNuma: ops.some((o) => o.kind === 'numa_scan') };
}

/** The reproducer's entry: the spec is checked before any step is read. */
export function planFromText(text: string, file: string): Plan {
  return planFromTrace(parseTrace(text, file, (h) => assertReproducibleSpec({ ...h, file })));
}
