/**
 * `fds` (model/hmm/config.ts): one dmirror device opened more than once. Each open file is its
 * own struct dmirror (lock, sseq, device PT, DMA, flags, the mm it mirrors); the device memory
 * and the pgmap owner stay per device. Without `fds` every device has one fd, and the state of
 * every earlier configuration is unchanged (this file checks the default against the explicit
 * spelling; `npm run check` before and after the change compared every count and verdict).
 */
import { describe, expect, it } from 'vitest';
import { createHmmModel, type HmmConfig, type HmmModel, type HmmState } from '../../../model/hmm/index.ts';
import { REG_FIXED, FRAME_WORDS } from '../../../model/hmm/layout.ts';
import { SCENARIOS } from '../../../specs/hmm/configs.ts';

const base: HmmConfig = {
  driver: 'dmirror', pages: 1, frames: 2, devFrames: 1, devices: 1, initial: ['rw'],
  fds: [{ device: 0 }, { device: 0 }],
  dev: [{ fd: 0, ops: [{ op: 'migrateToDev', page: 0 }] }, { fd: 1, ops: [{ op: 'read', page: 0 }] }],
};
const { fds: _fds, ...noFds } = base;
const { fds: _fds2, ...oneDeviceOneFd } = SCENARIOS.twoFdsOneDeviceMigrate;
const bad = (c: Partial<HmmConfig>): (() => HmmModel) => () => createHmmModel({ ...base, ...c } as HmmConfig);

describe('fds: validation (key by key, each error names the fix)', () => {
  it('a device out of range', () => {
    expect(bad({ fds: [{ device: 0 }, { device: 1 }] })).toThrow(/fds\[1\]\.device 1 out of range \(devices: 1\)/);
    expect(bad({ fds: [{ device: -1 }] })).toThrow(/fds\[0\]\.device -1 out of range/);
  });
  it('an unknown key in an fd, or in a dev thread', () => {
    expect(bad({ fds: [{ device: 0, mmm: 1 } as never] })).toThrow(/fds\[0\] has no key 'mmm'/);
    expect(bad({ dev: [{ fd: 0, fdd: 1, ops: [] } as never] })).toThrow(/dev thread 0 has no key 'fdd'/);
  });
  it('mm 1 needs fork; mm is 0 or 1', () => {
    expect(bad({ fds: [{ device: 0, mm: 1 }] })).toThrow(/fds\[0\]\.mm 1 .* needs features\.fork/);
    expect(bad({ fds: [{ device: 0, mm: 2 as 1 }] })).toThrow(/fds\[0\]\.mm must be 0 or 1/);
    expect(() => createHmmModel({ ...base, features: { fork: true }, fds: [{ device: 0 }, { device: 0, mm: 1 }] })).not.toThrow();
  });
  it('no empty list; not together with deviceMm; not with the v12 design', () => {
    expect(bad({ fds: [] })).toThrow(/at least one open file/);
    expect(bad({ deviceMm: [0] })).toThrow(/fds and deviceMm/);
    expect(bad({ design: 'v12' })).toThrow(/v12 design/);
  });
  it('a dev thread names its fd, or a device with exactly one fd', () => {
    expect(bad({ dev: [{ fd: 0, device: 0, ops: [] }] })).toThrow(/names both device 0 and fd 0: keep only fd/);
    expect(bad({ dev: [{ device: 0, ops: [] }] })).toThrow(/device 0 has 2 open files \(fds 0, 1\): name the fd/);
    expect(bad({ dev: [{ ops: [] }] })).toThrow(/device 0 has 2 open files/); // device 0 by default
    expect(bad({ dev: [{ fd: 2, ops: [] }] })).toThrow(/fd 2 out of range \(2 open files\)/);
    expect(bad({ devices: 2, fds: [{ device: 0 }], dev: [{ device: 1, ops: [] }] })).toThrow(/device 1 has no open file/);
    // without fds, fd d is device d's only fd: both spellings name it
    const one = createHmmModel({ ...noFds, devices: 2, dev: [{ device: 1, ops: [] }, { fd: 1, ops: [] }] });
    expect(one.ctx.L.actors.map((a) => [a.fd, a.device])).toEqual([[1, 1], [1, 1]]);
  });
});

describe('fds: the state layout of two fds on one device (word counts derived by hand from state/schema.ts)', () => {
  it('twoFdsOneDeviceMigrate: 158 words = 149 of the one-fd spelling + one DEVICE struct (4) + FRAME_FD (5)', () => {
    const L = createHmmModel({ driver: 'dmirror', ...SCENARIOS.twoFdsOneDeviceMigrate } as HmmConfig).ctx.L;
    // GLOBALS: seqOdd, active and three budgets (no child notifier, compaction or OOM word) = 5
    // MM: exists, readers, writer + 1 page × (vma, kind, val, flags, lastWrite) = 8
    // DEVICE (per fd): lock, sseq, pt[1], dma[1] (no flags word) = 4, two fds = 8
    // FRAME: 8 words × (none, zero page, 2 system frames, 1 device frame) = 40
    // ACTOR: 36 registers + pfn, src, dst, tlb of 1 page + 4-word results (ret, cpages, faults,
    //   data[1]) per request: fd 0's thread 1 request = 44, fd 1's thread 2 requests = 48
    // FRAME_FD: one word per frame = 5
    expect(REG_FIXED).toBe(36);
    expect(FRAME_WORDS).toBe(8);
    expect([L.devices, L.fds, L.fdDevice, L.fdMm, L.deviceFd]).toEqual([1, 2, [0, 0], [0, 0], [-1]]);
    expect([L.devWords, L.frameCount]).toEqual([4, 5]);
    expect(L.actors.map((a) => [a.kind, a.fd, a.device, a.mm])).toEqual([['dev', 0, 0, 0], ['dev', 1, 0, 0]]);
    expect(L.frameFdBase).toBe(5 + 8 + 8 + 40 + 44 + 48);
    expect(L.width).toBe(5 + 8 + 8 + 40 + 44 + 48 + 5);
    const one = createHmmModel({
      driver: 'dmirror', ...oneDeviceOneFd,
      dev: [{ ops: [{ op: 'migrateToDev', page: 0 }] }, { ops: [{ op: 'read', page: 0 }, { op: 'read', page: 0 }] }],
    } as HmmConfig).ctx.L;
    expect([one.width, one.fds, one.frameFdBase]).toEqual([149, 1, -1]);
  });
  it('two fds on two devices need no FRAME_FD: a device page names its fd through its device', () => {
    const L = createHmmModel({ driver: 'dmirror', ...SCENARIOS.twoFdsTwoDevicesMigrate } as HmmConfig).ctx.L;
    expect([L.fds, L.deviceFd, L.frameFdBase]).toEqual([2, [0, 1], -1]);
  });
});

/** distinct states reachable from the initial state (a plain BFS over the model's successors) */
function reachable(cfg: HmmConfig): number {
  const m = createHmmModel(cfg);
  const seen = new Set<string>();
  const queue: HmmState[] = [...m.initialStates()];
  for (const s of queue) seen.add(s.join(','));
  for (let i = 0; i < queue.length; i++) {
    m.successors(queue[i]!, (_a, n) => {
      const k = n.join(',');
      if (!seen.has(k)) {
        seen.add(k);
        queue.push(n);
      }
    });
  }
  return seen.size;
}

describe('fds: the default is one fd per device (deviceMm its mm)', () => {
  const spelt = ({ deviceMm, ...sc }: HmmConfig): HmmConfig => ({
    ...sc,
    fds: Array.from({ length: sc.devices ?? 1 }, (_, d) => ({ device: d, mm: deviceMm?.[d] ?? 0 })),
    dev: (sc.dev ?? []).map((t) => ({ fd: t.device ?? 0, ops: t.ops })),
  });
  it.each(['faultVsMunmap', 'twoDevices', 'forkChildMirrorVsMigrate', 'forkChildMirrorVsReclaim'] as const)(
    '%s: same layout, same initial state, same number of reachable states', (name) => {
      const sc = { driver: 'dmirror', ...SCENARIOS[name] } as HmmConfig;
      const a = createHmmModel(sc);
      const b = createHmmModel(spelt(sc));
      expect(b.ctx.L.width).toBe(a.ctx.L.width);
      expect([...b.initialStates()[0]!]).toEqual([...a.initialStates()[0]!]);
      expect(reachable(spelt(sc))).toBe(reachable(sc));
    });
});
