/**
 * The workloads run on both designs (specs/compare/v12-vs-upstream.spec.ts). Each is one of the
 * upstream scenarios of specs/hmm/configs.ts (or a new one both designs can run), with the
 * witnesses that make it non-vacuous on each design.
 */
import type { HmmConfig } from '../../model/hmm/config.ts';
import { SCENARIOS } from '../hmm/configs.ts';
import type { WitnessName } from '../hmm/properties.ts';
import type { V12WitnessName } from '../v12/properties.ts';

export type Scenario = Omit<HmmConfig, 'driver' | 'design' | 'v12'>;

export interface Workload {
  readonly title: string;
  readonly scenario: Scenario;
  readonly upstream: readonly WitnessName[];
  readonly v12: readonly V12WitnessName[];
}

export const WORKLOADS = {
  'fault-vs-munmap': {
    title: 'device write fault vs CPU write + munmap (zap, TLB flush, page free), DMA on',
    scenario: SCENARIOS.faultVsMunmap,
    upstream: ['wWrite'],
    v12: ['wWrite'],
  },
  'fault-vs-cow': {
    title: 'device read fault vs CPU write COW of the zero page (wp_page_copy under a CLEAR update), DMA on',
    scenario: {
      pages: 1, frames: 2, initial: ['zero'], features: { dma: true },
      cpu: [{ ops: [{ op: 'write', page: 0 }] }],
      dev: [{ ops: [{ op: 'read', page: 0 }] }],
    },
    upstream: ['wRead'],
    v12: ['wRead', 'wBackoff'],
  },
  'fault-vs-prot-none': {
    title: 'device read fault vs mprotect(PROT_NONE): -EFAULT (hmm-tests anon_read_prot)',
    scenario: SCENARIOS.faultVsProtNone,
    upstream: ['wProtnone'],
    v12: ['wProtnone'],
  },
  'fault-vs-numa': {
    title: 'device read fault vs NUMA hinting (protnone PTE)',
    scenario: SCENARIOS.faultVsNuma,
    upstream: ['wRead'],
    v12: ['wRead'],
  },
  'migrate-and-back': {
    title: 'migrate to device memory, device write, CPU read faults it back',
    scenario: SCENARIOS.migrateAndBack,
    upstream: ['wWrite', 'wMigrate'],
    v12: ['wWrite', 'wMigrate'],
  },
  'migrate-vs-device-write': {
    title: 'migrate to device on one device thread, device write on another',
    scenario: SCENARIOS.migrateVsDeviceWrite,
    upstream: ['wWrite'],
    v12: ['wWrite'],
  },
  'fork-device-memory': {
    title: 'fork with a page in device memory; parent writes, child reads',
    scenario: SCENARIOS.forkDevicePrivate,
    upstream: ['wWrite', 'wMigrate', 'wFork'],
    v12: ['wWrite', 'wMigrate', 'wFork'],
  },
  'dirty-reclaim-ksm': {
    title: 'device write vs reclaim (try_to_unmap → swap) and KSM write-protect, CPU write (dirty tracking)',
    scenario: SCENARIOS.reclaimKsm,
    upstream: ['wWrite'],
    v12: ['wWrite'],
  },
  'two-devices': {
    title: 'dev0 migrates page 0, dev1 reads pages 0-1 (hmm2.double_map: the non-owner faults it back), CPU read',
    scenario: SCENARIOS.twoDevices,
    upstream: ['wRead', 'wMigrate'],
    v12: ['wRead', 'wMigrate'],
  },
  'hugetlbfs': {
    title: 'device write to a MAP_HUGETLB buffer (hmm-tests anon_write_hugetlbfs) racing a CPU write, then munmap',
    scenario: {
      pages: 2, frames: 3, mapping: 'hugetlb', features: { dma: true },
      cpu: [{ ops: [{ op: 'write', page: 1 }, { op: 'munmap', page: 0, npages: 2 }] }],
      dev: [{ ops: [{ op: 'write', page: 0, npages: 2 }] }],
    },
    upstream: ['wWrite'],
    v12: ['wWrite', 'wHugetlb'],
  },
} as const satisfies Record<string, Workload>;

export type WorkloadName = keyof typeof WORKLOADS;
export const WORKLOAD_NAMES = Object.keys(WORKLOADS) as readonly WorkloadName[];
