/**
 * Source links of HMM steps (specs/hmm/source-links.ts). The expected functions come from the
 * kernel's own call chain, not from the label table: an x86 user page fault enters
 * do_user_addr_fault (arch/x86/mm/fault.c), which takes the mmap lock (lock_mm_and_find_vma),
 * calls handle_mm_fault (mm/memory.c) — do_anonymous_page for an empty anonymous page — and drops
 * the lock before it returns.
 */
import { describe, expect, it } from 'vitest';
import { createHmmModel, type HmmAction, type HmmConfig, type HmmState, LABELS, labelSource } from '../../../model/hmm/index.ts';
import { sourceLink, stepSource } from '../../../specs/hmm/source-links.ts';

function run(cfg: HmmConfig, actor: number, kinds: readonly string[]): { a: HmmAction; before: HmmState }[] {
  const m = createHmmModel(cfg);
  let s = m.initialStates()[0]!;
  const out: { a: HmmAction; before: HmmState }[] = [];
  for (const k of kinds) {
    let next: { a: HmmAction; n: HmmState } | undefined;
    m.successors(s, (a, n) => { if (next === undefined && a.actor === actor && a.kind === k) next = { a, n }; });
    if (next === undefined) throw new Error(`${k} not enabled`);
    out.push({ a: next.a, before: s });
    s = next.n;
  }
  return out;
}

const ELIXIR = 'https://elixir.bootlin.com/linux/v6.19/A/ident/';

describe('HMM step source links', () => {
  it("a CPU fault's steps link to do_user_addr_fault and handle_mm_fault of Linux v6.19", () => {
    const cfg: HmmConfig = { driver: 'dmirror', pages: 1, frames: 2, cpu: [{ ops: [{ op: 'write', page: 0 }] }] };
    const c = createHmmModel(cfg).ctx;
    const links = run(cfg, 0, ['lock_mm_and_find_vma', 'do_anonymous_page', 'mmap_read_unlock']).map(({ a, before }) => stepSource(c, a, before));
    expect(links.map((l) => l?.url)).toEqual([`${ELIXIR}do_user_addr_fault`, `${ELIXIR}handle_mm_fault`, `${ELIXIR}do_user_addr_fault`]);
    expect(links[1]).toMatchObject({ text: 'handle_mm_fault', title: 'Linux v6.19 mm/memory.c: handle_mm_fault' });
  });

  it('NUMA hinting in change_pte_range links to v6.14, the release mm/mprotect.c follows', () => {
    expect(sourceLink(labelSource(LABELS.change_prot_numa_set))?.url).toBe('https://elixir.bootlin.com/linux/v6.14/A/ident/change_pte_range');
  });

  it('a function that is no identifier links to its file; `done` links nowhere', () => {
    expect(sourceLink(labelSource(LABELS.sys_mremap))).toMatchObject({ text: 'mm/mremap.c', url: 'https://elixir.bootlin.com/linux/v6.19/source/mm/mremap.c' });
    expect(sourceLink(labelSource(LABELS.done))).toBeUndefined();
  });

  it('v12 functions search the linux-mm archive; v12 bodies of upstream entry labels get no upstream link', () => {
    expect(sourceLink(labelSource(LABELS.hmm_mirror_fault))?.url).toBe('https://lore.kernel.org/linux-mm/?q=hmm_mirror_fault');
    expect(sourceLink(labelSource(LABELS.hmm_device_access))).toBeUndefined(); // 'device access through the mirror'
    const cfg: HmmConfig = { driver: 'reference', design: 'v12', pages: 1, frames: 2, dev: [{ ops: [{ op: 'read', page: 0 }] }] };
    const c = createHmmModel(cfg).ctx;
    const [first] = run(cfg, 0, ['device_read']);
    expect(stepSource(c, first!.a, first!.before)).toBeUndefined();
  });
});
