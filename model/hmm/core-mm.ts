/**
 * Core-mm behaviours as data, apart from the driver record (variants.ts): a reviewer of an mm/
 * patch that changes one rule of the core names it here, and the same driver runs against both
 * kernels. Larger core-mm changes are step patches (patch.ts); this record holds the named rules
 * a spec switches by name.
 */

export interface CoreMmBehaviour {
  /** readable name shown in model ids and reports */
  readonly name: string;
  /**
   * hmm_range_fault reports a protnone PTE (PROT_NONE VMA, NUMA hint) as valid instead of
   * faulting it (mm/hmm.c hmm_vma_handle_pte: `pte_protnone(pte)` → required_fault) — the rule
   * whose absence lets a device map what the CPU may not access
   */
  readonly hmmReportsProtnone: boolean;
}

const UPSTREAM = { name: 'upstream', hmmReportsProtnone: false } as const satisfies CoreMmBehaviour;

export const CORE_MM_VARIANTS = {
  /** mm/hmm.c, mm/memory.c as the model's files follow them */
  upstream: UPSTREAM,
  /** hmm_range_fault treats pte_protnone() (and a !VM_READ VMA) as accessible */
  protnoneValid: { ...UPSTREAM, name: 'protnoneValid', hmmReportsProtnone: true },
} as const satisfies Record<string, CoreMmBehaviour>;

export type CoreMmVariant = keyof typeof CORE_MM_VARIANTS;

/** HmmConfig.coreMm: a variant name, or a full record defined by the user's spec. */
export type CoreMmSpec = CoreMmVariant | CoreMmBehaviour;

const CORE_MM_KEYS: ReadonlySet<string> = new Set(Object.keys(UPSTREAM));

export function resolveCoreMm(m: CoreMmSpec | undefined): CoreMmBehaviour {
  if (m === undefined) return UPSTREAM;
  if (typeof m === 'string') {
    const v = (CORE_MM_VARIANTS as Record<string, CoreMmBehaviour>)[m];
    if (v === undefined || !Object.hasOwn(CORE_MM_VARIANTS, m)) {
      throw new RangeError(`coreMm '${m}' is no core-mm variant (known: ${Object.keys(CORE_MM_VARIANTS).join(', ')}); or give a record with the keys ${[...CORE_MM_KEYS].join(', ')}`);
    }
    return v;
  }
  for (const k of Object.keys(m)) {
    if (!CORE_MM_KEYS.has(k)) throw new RangeError(`the coreMm record has no key '${k}' (keys: ${[...CORE_MM_KEYS].join(', ')})`);
  }
  for (const k of CORE_MM_KEYS) {
    if (!Object.hasOwn(m, k)) throw new RangeError(`the coreMm record lacks '${k}' (spread CORE_MM_VARIANTS.upstream and change what differs)`);
  }
  return m;
}

/** the readable name of a core-mm spec */
export const coreMmName = (m: CoreMmSpec | undefined): string => (m === undefined ? 'upstream' : typeof m === 'string' ? m : m.name);
