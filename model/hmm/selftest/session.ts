// Follows: Linux v6.19 — tools/testing/selftests/mm/hmm-tests.c, lib/test_hmm_uapi.h
/**
 * A small user-level layer over the HMM model, in the vocabulary of
 * tools/testing/selftests/mm/hmm-tests.c: a process with one mapping (mmap'ed at creation:
 * private/shared anonymous, file, hugetlb, THP, or the dmirror device file), CPU loads and stores,
 * mprotect/munmap/fork, and the dmirror ioctls on one fd per device. Every call returns what the
 * syscall or ioctl returns (rc, cpages, faults, data read, snapshot permission bytes).
 *
 * Execution is sequential, like the selftest: each call appends one request to the actor that
 * performs it (CPU thread of the parent or of the fork child, or the ioctl thread of a dmirror
 * fd), rebuilds the model configuration and replays the whole script, running each request's
 * actor alone until that request completes (its only enabled step at every point; a blocked actor
 * is an error). Data are contents versions: a page written once by the CPU reads as 1, never
 * written reads as 0. This file imports nothing outside model/hmm.
 */
import type { CpuRequest, DevRequest, HmmConfig, HmmFeatures, InitialPage, Prot, Mapping } from '../config.ts';
import type { DriverSpec } from '../variants.ts';
import { createHmmModel, type HmmModel, type HmmState } from '../index.ts';
import type { HmmAction } from '../actions.ts';
import {
  R_PC, R_REQ, PC, resOff, RES_RET, RES_CPAGES, RES_FAULTS, RES_DATA, NOT_RUN, pgOff, frOff, PG_KIND, PG_VAL, PG_VMA,
  PTE_PRESENT, PTE_ZERO, F_VER, VM_EXISTS,
} from '../layout.ts';

export interface SessionOptions {
  /** virtual pages of the buffer (the scaled HMM_BUFFER_SIZE) */
  readonly pages: number;
  /** system RAM frames available (default: enough for 3 copies of the buffer) */
  readonly frames?: number;
  /** device-private frames per device (default: pages) */
  readonly devFrames?: number;
  /** dmirror fds: 1 = FIXTURE(hmm), 2 = FIXTURE(hmm2) */
  readonly devices?: number;
  readonly driver?: DriverSpec;
  /** the mmap: protection and kind of mapping; `initial` pre-populates pages (default none) */
  readonly prot?: Prot;
  readonly mapping?: Mapping;
  readonly initial?: readonly InitialPage[];
  readonly features?: HmmFeatures;
  /** which mm each device's fd mirrors (1 = the fork child's: it opened the fd after fork) */
  readonly deviceMm?: readonly (0 | 1)[];
  /** the fixture variant: /dev/hmm_dmirror0,1 (private, default) or 2,3 (coherent) */
  readonly deviceMemory?: 'private' | 'coherent';
}

export interface IoctlResult {
  readonly rc: number;
  readonly cpages: number;
  readonly faults: number;
  /** per page of the request: contents version read (READ, MIGRATE read-back, EXCLUSIVE) or the
   *  snapshot permission byte (SNAPSHOT); -1 = not read */
  readonly data: readonly number[];
}

export interface CpuResult {
  /** 0, or a VM_FAULT_* code (VM_FAULT_SIGSEGV = the process would get SIGSEGV) / -errno */
  readonly rc: number;
  /** for loads: the contents version read, per page of the request */
  readonly data: readonly number[];
}

type Who = { readonly kind: 'cpu'; readonly thread: number } | { readonly kind: 'dev'; readonly device: number };

interface ScriptEntry {
  readonly who: Who;
  readonly req: number;
}

export class SessionError extends Error {}

/** The process under test; `child` is its fork child (after `fork()`). */
export class Session {
  readonly opts: SessionOptions;
  private readonly cpuOps: CpuRequest[][] = [[], []];
  private readonly devOps: DevRequest[][];
  private readonly script: ScriptEntry[] = [];
  private forked = false;
  /** the last state reached */
  state: HmmState;
  model: HmmModel;
  /** every step taken, for debugging a failed expectation */
  trace: HmmAction[] = [];

  constructor(opts: SessionOptions) {
    this.opts = opts;
    this.devOps = Array.from({ length: opts.devices ?? 1 }, () => []);
    this.model = createHmmModel(this.config());
    this.state = this.model.initialStates()[0]!;
  }

  get pages(): number {
    return this.opts.pages;
  }

  // ---- CPU side ------------------------------------------------------------------------------

  /** CPU loads from pages [page, page+npages) of the parent (thread 0) or the child (thread 1) */
  read(page: number, npages = 1, thread = 0): CpuResult {
    return this.cpuLoop('read', page, npages, thread);
  }

  /** CPU stores to pages [page, page+npages) (each page's contents version goes up by one) */
  write(page: number, npages = 1, thread = 0): CpuResult {
    return this.cpuLoop('write', page, npages, thread);
  }

  mprotect(page: number, npages: number, prot: Prot, thread = 0): number {
    return this.cpu({ op: 'mprotect', page, npages, prot }, thread).rc;
  }

  munmap(page: number, npages: number, thread = 0): number {
    return this.cpu({ op: 'munmap', page, npages }, thread).rc;
  }

  /** mremap(page, npages, npages, MREMAP_MAYMOVE | MREMAP_FIXED [| MREMAP_DONTUNMAP], to) */
  mremap(page: number, npages: number, to: number, dontUnmap = false, thread = 0): number {
    return this.cpu({ op: 'mremap', page, npages, to, dontUnmap }, thread).rc;
  }

  /** madvise(page, npages, MADV_FREE) */
  madvFree(page: number, npages: number, thread = 0): number {
    return this.cpu({ op: 'madvFree', page, npages }, thread).rc;
  }

  /** fork(): the child is CPU thread 1 on mm 1 */
  fork(): number {
    const r = this.cpu({ op: 'fork' }, 0).rc;
    this.forked = true;
    return r;
  }

  /** the child exits (exit_mmap) — kill(child) + waitpid in hmm_cow_in_device */
  exitChild(): number {
    return this.cpu({ op: 'exit' }, 1).rc;
  }

  /** get_user_pages(FOLL_WRITE) of one page, then put_page (gup_test GUP_BASIC / GUP_FAST) */
  gupPut(page: number): number {
    return this.cpu({ op: 'gup', page }, 0).rc;
  }

  /** pin_user_pages(FOLL_WRITE | FOLL_LONGTERM) of one page, then unpin_user_page */
  pinUnpin(page: number): number {
    const r = this.cpu({ op: 'pin', page }, 0).rc;
    this.cpu({ op: 'unpin', page }, 0);
    return r;
  }

  /** pread() of the backing file / shmem object: the contents of the page cache page */
  pread(page: number, mm = 0): number {
    const L = this.model.ctx.L;
    const o = pgOff(L, mm, page);
    const k = this.state[o + PG_KIND]!;
    if (k === PTE_ZERO) return 0;
    if (k !== PTE_PRESENT) throw new SessionError(`pread: page ${page} has no page cache page mapped`);
    return this.state[frOff(L, this.state[o + PG_VAL]!) + F_VER]!;
  }

  /** does page `page` of mm `mm` still have a VMA */
  mapped(page: number, mm = 0): boolean {
    return (this.state[pgOff(this.model.ctx.L, mm, page) + PG_VMA]! & VM_EXISTS) !== 0;
  }

  // ---- dmirror ioctls on the fd of device `device` --------------------------------------------

  dev(device: number): DmirrorFd {
    return new DmirrorFd(this, device);
  }

  // ---- engine -----------------------------------------------------------------------------------

  private cpuLoop(op: 'read' | 'write', page: number, npages: number, thread: number): CpuResult {
    const data: number[] = [];
    let rc = 0;
    for (let a = page; a < page + npages; a++) {
      const r = this.cpu({ op, page: a }, thread);
      if (op === 'read') data.push(r.data[0]!);
      if (r.rc !== 0 && rc === 0) rc = r.rc;
    }
    return { rc, data };
  }

  cpu(r: CpuRequest, thread: number): IoctlResult {
    if (thread === 1 && !this.forked) throw new SessionError('the child does not exist before fork()');
    this.cpuOps[thread]!.push(r);
    return this.run({ kind: 'cpu', thread }, this.cpuOps[thread]!.length - 1);
  }

  ioctl(device: number, r: DevRequest): IoctlResult {
    this.devOps[device]!.push(r);
    return this.run({ kind: 'dev', device }, this.devOps[device]!.length - 1);
  }

  config(): HmmConfig {
    const o = this.opts;
    const usesFork = this.forked || this.cpuOps[0]!.some((r) => r.op === 'fork');
    const cpu = [{ ops: this.cpuOps[0]! }, ...(usesFork ? [{ mm: 1 as const, ops: this.cpuOps[1]! }] : [])];
    const dev = this.devOps.map((ops, device) => ({ device, ops }));
    const features: HmmFeatures = { ...(o.features ?? {}), ...(usesFork ? { fork: true } : {}) };
    return {
      driver: o.driver ?? 'dmirror',
      pages: o.pages,
      frames: o.frames ?? 3 * o.pages + 2,
      devFrames: o.devFrames ?? o.pages,
      devices: this.devOps.length,
      ...(o.prot === undefined ? {} : { prot: o.prot }),
      ...(o.mapping === undefined ? {} : { mapping: o.mapping }),
      ...(o.initial === undefined ? {} : { initial: o.initial }),
      ...(o.deviceMm === undefined ? {} : { deviceMm: o.deviceMm }),
      ...(o.deviceMemory === undefined ? {} : { deviceMemory: o.deviceMemory }),
      cpu,
      dev,
      features,
      // the 1 s HMM_RANGE_DEFAULT_TIMEOUT: every COW of a page restarts the walk once (-EBUSY)
      budgets: { retries: 2 * o.pages + 2 },
    };
  }

  private actorIndex(m: HmmModel, who: Who): number {
    const L = m.ctx.L;
    const i = L.actors.findIndex((a) =>
      who.kind === 'cpu' ? a.kind === 'cpu' && a.index === who.thread : a.kind === 'dev' && a.device === who.device);
    if (i < 0) throw new SessionError(`no actor for ${JSON.stringify(who)}`);
    return i;
  }

  /** replay the whole script (with the new request appended) and return that request's results */
  private run(who: Who, req: number): IoctlResult {
    this.script.push({ who, req });
    const m = createHmmModel(this.config());
    let s = m.initialStates()[0]!;
    const trace: HmmAction[] = [];
    for (const e of this.script) {
      const t = this.actorIndex(m, e.who);
      const b = m.ctx.L.actors[t]!.base;
      for (let guard = 0; ; guard++) {
        if (s[b + R_PC] === PC.done || s[b + R_REQ]! > e.req) break;
        if (guard > 500) throw new SessionError(`request ${e.req} of actor ${t} does not terminate`);
        const steps: { a: HmmAction; n: HmmState }[] = [];
        m.successors(s, (a, n) => {
          if (a.actor === t) steps.push({ a, n });
        });
        if (steps.length === 0) {
          this.state = s;
          this.trace = trace;
          throw new SessionError(`actor ${t} is blocked in request ${e.req} (pc ${s[b + R_PC]}); last steps: ${
            trace.slice(-8).map((a) => a.kind).join(', ')}`);
        }
        if (steps.length > 1) throw new SessionError(`actor ${t} has ${steps.length} enabled steps`);
        trace.push(steps[0]!.a);
        s = steps[0]!.n;
      }
    }
    this.model = m;
    this.state = s;
    this.trace = trace;
    return this.result(m, s, this.actorIndex(m, who), req);
  }

  private result(m: HmmModel, s: HmmState, t: number, req: number): IoctlResult {
    const L = m.ctx.L;
    const o = resOff(L, t, req);
    const rc = s[o + RES_RET]!;
    if (rc === NOT_RUN) throw new SessionError('request did not complete');
    const r = m.ctx.reqs[t]![req]!;
    const data: number[] = [];
    for (let a = 0; a < L.pages; a++) data.push(s[o + RES_DATA + a]!);
    return { rc, cpages: s[o + RES_CPAGES]!, faults: s[o + RES_FAULTS]!, data: data.slice(r.page, r.page + r.npages) };
  }
}

/** One open /dev/hmm_dmirrorN (its interval notifier mirrors the mm given by deviceMm). */
export class DmirrorFd {
  private readonly s: Session;
  readonly device: number;

  constructor(s: Session, device: number) {
    this.s = s;
    this.device = device;
  }

  /** HMM_DMIRROR_READ */
  read(page: number, npages: number): IoctlResult {
    return this.s.ioctl(this.device, { op: 'read', page, npages });
  }

  /** HMM_DMIRROR_WRITE (each page's contents version goes up by one) */
  write(page: number, npages: number): IoctlResult {
    return this.s.ioctl(this.device, { op: 'write', page, npages });
  }

  /** HMM_DMIRROR_MIGRATE_TO_DEV (hmm_migrate_sys_to_dev), data = the read-back */
  migrateToDev(page: number, npages: number): IoctlResult {
    return this.s.ioctl(this.device, { op: 'migrateToDev', page, npages });
  }

  /** HMM_DMIRROR_MIGRATE_TO_SYS (hmm_migrate_dev_to_sys) */
  migrateToSys(page: number, npages: number): IoctlResult {
    return this.s.ioctl(this.device, { op: 'migrateToSys', page, npages });
  }

  /** HMM_DMIRROR_SNAPSHOT: data = one HMM_DMIRROR_PROT_* byte per page */
  snapshot(page: number, npages: number): IoctlResult {
    return this.s.ioctl(this.device, { op: 'snapshot', page, npages });
  }

  /** HMM_DMIRROR_EXCLUSIVE, data = the read-back */
  exclusive(page: number, npages: number): IoctlResult {
    return this.s.ioctl(this.device, { op: 'exclusive', page, npages });
  }

  /** HMM_DMIRROR_CHECK_EXCLUSIVE */
  checkExclusive(page: number, npages: number): IoctlResult {
    return this.s.ioctl(this.device, { op: 'checkExclusive', page, npages });
  }

  /** HMM_DMIRROR_FLAGS: dmirror->flags = value (HMM_DMIRROR_FLAG_FAIL_ALLOC = 1) */
  flags(value: number): IoctlResult {
    return this.s.ioctl(this.device, { op: 'flags', flags: value });
  }

  /** HMM_DMIRROR_RELEASE: evict all device memory (dmirror_device_evict_chunk) */
  release(): IoctlResult {
    return this.s.ioctl(this.device, { op: 'release' });
  }
}
