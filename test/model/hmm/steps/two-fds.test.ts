/**
 * One device opened twice, run by hand, thread by thread (no interleaving): what lib/test_hmm.c
 * does when the owner of a migration (dmirror->mdevice) is shared by two struct dmirror.
 *   - dmirror_interval_invalidate returns early for MMU_NOTIFY_MIGRATE when range->owner ==
 *     dmirror->mdevice: fd 1's callback is skipped too, its device PT keeps the system page that
 *     migrate_vma_finalize then frees;
 *   - dmirror_devmem_fault erases the PT of rpage->zone_device_data, the fd whose migration
 *     allocated the page, not every fd that maps it.
 * On two devices (one fd each) the owner differs and fd 1's callback erases its entry.
 */
import { describe, expect, it } from 'vitest';
import {
  PC, PTE_DEVPRIV, PTE_PRESENT, DPT_WRITE, R_I_OWNER, firstDevFrame, frameFdOff, type HmmConfig,
} from './internals.ts';
import { model, init, runUntil, runToReq, trace, pte, frame, result, dpt, sseqCur, reg } from './helpers.ts';
import { SCENARIOS } from '../../../../specs/hmm/configs.ts';

const dmirror = (name: keyof typeof SCENARIOS): HmmConfig => ({ driver: 'dmirror', ...SCENARIOS[name] } as HmmConfig);
const frameOf = (e: number): number => e >> 2;

describe('two fds on one device: fd 1 READs, then fd 0 migrates the page to the device', () => {
  const m = model(dmirror('twoFdsOneDeviceMigrate'));
  const L = m.ctx.L;
  // actor 0 = fd 0 (MIGRATE_TO_DEV), actor 1 = fd 1 (READ, READ)
  const read = runToReq(m, init(m), 1, 1);
  it('fd 1 mapped the system page (frame 2, version 1) in its own device PT only', () => {
    expect(result(m, read, 1, 0)).toMatchObject({ ret: 0, data: [1] });
    expect(frameOf(dpt(m, read, 1, 0))).toBe(2);
    expect(dpt(m, read, 0, 0)).toBe(0);
  });
  const mig = trace(m, read, 0, PC.done);
  it("fd 0's MIGRATE invalidation calls both fds' callbacks; both return early (owner = device 0 + 1)", () => {
    const cbs = mig.acts.filter((a) => a.kind === 'dmirror_interval_invalidate');
    expect(cbs.map((a) => a.info)).toEqual([0, 1]);
    expect(frameOf(dpt(m, mig.s, 1, 0))).toBe(2); // not erased
    expect(sseqCur(m, mig.s, 1)).toBe(0); // nor mmu_interval_set_seq (F1)
  });
  it('after migrate_vma_finalize the page is device-private in frame 4, frame 2 is free, and fd 1 still names it', () => {
    const f = firstDevFrame(L, 0);
    expect(f).toBe(4);
    expect(pte(m, mig.s, 0, 0)).toMatchObject({ kind: PTE_DEVPRIV, val: f });
    expect(frameOf(dpt(m, mig.s, 0, 0))).toBe(f); // dmirror_migrate_finalize_and_map: fd 0's own PT
    expect(frame(m, mig.s, 2).ref).toBe(0);
    expect(frameOf(dpt(m, mig.s, 1, 0))).toBe(2);
    expect(mig.s[frameFdOff(L, f)]).toBe(1); // rpage->zone_device_data = fd 0
  });
  it("fd 1's second READ hits its stale entry: it reads the freed frame (version 0), not the page (version 1)", () => {
    const again = runUntil(m, mig.s, 1, PC.done);
    expect(result(m, again, 1, 1)).toMatchObject({ ret: 0, faults: 0, data: [0] });
  });
});

describe('the twin on two devices: the owner differs, fd 1 erases its entry', () => {
  const m = model(dmirror('twoFdsTwoDevicesMigrate'));
  const read = runToReq(m, init(m), 1, 1);
  const mig = trace(m, read, 0, PC.done);
  it("fd 1's callback erases its entry; its next READ faults the device page back", () => {
    expect(frameOf(dpt(m, read, 1, 0))).toBe(2);
    expect(mig.acts.filter((a) => a.kind === 'dmirror_interval_invalidate').map((a) => a.info)).toEqual([0, 1]);
    expect(dpt(m, mig.s, 1, 0)).toBe(0);
    const again = runUntil(m, mig.s, 1, PC.done);
    expect(result(m, again, 1, 1)).toMatchObject({ ret: 0, faults: 1, data: [1] });
    expect(pte(m, again, 0, 0).kind).toBe(PTE_PRESENT);
  });
});

describe('two fds on one device: fd 0 migrates, fd 1 maps the device page, a CPU read faults it back', () => {
  const m = model(dmirror('twoFdsFaultBackRace'));
  const L = m.ctx.L;
  // actor 0 = CPU read, actor 1 = fd 0 (MIGRATE_TO_DEV), actor 2 = fd 1 (READ)
  const migrated = runUntil(m, init(m), 1, PC.done);
  const mapped = runUntil(m, migrated, 2, PC.done);
  const f = firstDevFrame(L, 0);
  it("hmm_range_fault reports the device page to fd 1 (dev_private_owner = the same device): fd 1's PT maps frame 4", () => {
    expect(result(m, mapped, 2, 0)).toMatchObject({ ret: 0, data: [1] });
    expect(dpt(m, mapped, 2 - 1, 0)).toBe((f << 2) | DPT_WRITE);
    expect(frameOf(dpt(m, mapped, 0, 0))).toBe(f);
  });
  const back = trace(m, mapped, 0, PC.done);
  it("dmirror_devmem_fault: owner device 0 skips both callbacks, and only fd 0's PT (zone_device_data) is erased", () => {
    const setup = back.acts.findIndex((a) => a.kind === 'do_swap_page');
    expect(setup).toBeGreaterThanOrEqual(0);
    expect(back.kinds.filter((k) => k === 'dmirror_interval_invalidate')).toHaveLength(2);
    expect(pte(m, back.s, 0, 0)).toMatchObject({ kind: PTE_PRESENT, val: 2 });
    expect(frame(m, back.s, f).ref).toBe(0);
    expect(dpt(m, back.s, 0, 0)).toBe(0);
    expect(frameOf(dpt(m, back.s, 1, 0))).toBe(f); // fd 1 still maps the freed device page
  });
  it('the migrate_to_ram invalidation carries the device (0) as owner, not an fd', () => {
    const at = runUntil(m, mapped, 0, PC.mn_itree_invalidate);
    expect(reg(m, at, 0, R_I_OWNER)).toBe(0 + 1);
  });
});
