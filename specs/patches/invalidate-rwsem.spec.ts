// A driver patch: the driver takes its own rwsem for write around a migration
// (migrate_vma_setup … migrate_vma_finalize) and for read in its invalidate callback, as a
// driver protecting its page tables with a new lock might. migrate_vma_setup starts a
// MIGRATE invalidation, whose callback runs on the same thread, inside the write section.
// Run: npx hmm-check specs/patches/invalidate-rwsem.spec.ts
import { defineSpec } from 'hmm-check';
import { kernel as k, type Ctx, type HmmPatch, type StepFn } from 'hmm-check/model/hmm/index.ts';
import { spec as reference } from 'hmm-check/specs/hmm/reference.spec.ts';
import { hmmConfig } from 'hmm-check/specs/hmm/configs.ts';

const rwsem = 'svmm_rwsem'; // per device file: 0 = free, else the writer + 1

// down_write before the wrapped step: it waits while the rwsem is held (its guard), then takes it
const rwsemFree = (c: Ctx, s: Int32Array, d: number): boolean => k.readField(c, s, rwsem, d) === 0;
const downWrite = (orig: StepFn): StepFn => (c, s, t, emit) => {
  const d = k.fdOf(c, t);
  orig(c, s, t, (a, n) => { k.writeField(c, n, rwsem, d, t + 1); emit(a, n); });
};

// up_write after the wrapped step, when this thread holds it
const upWrite = (orig: StepFn): StepFn => (c, s, t, emit) => orig(c, s, t, (a, n) => {
  const d = k.fdOf(c, t);
  if (d >= 0 && k.readField(c, n, rwsem, d) === t + 1) k.writeField(c, n, rwsem, d, 0);
  emit(a, n);
});

export const patch: HmmPatch = {
  name: 'rwsem-in-invalidate',
  fields: { [rwsem]: { scope: 'device' } },
  steps: {
    dmirror_migrate: { wrap: downWrite }, //        dmirror_migrate_to_device: down_write, migrate_vma_setup
    migrate_vma_finalize: { wrap: upWrite }, //     ... migrate_vma_finalize, up_write
  },
  guards: { dmirror_migrate: { wrap: (orig) => (c, s, t) => rwsemFree(c, s, k.fdOf(c, t)) && orig(c, s, t) } },
  // the invalidate callback: down_read(&svmm_rwsem) sleeps while a writer holds it
  ops: { invalidateGuard: (orig) => (c, s, t, d) => rwsemFree(c, s, d) && orig(c, s, t, d) },
};

export const spec = defineSpec({
  ...reference,
  id: 'patch-invalidate-rwsem',
  title: 'Patch: a driver rwsem taken for write around migrate_vma_* and for read in the invalidate callback',
  configs: {
    // the migrating thread waits on itself in its own MIGRATE invalidation's callback
    'migrate-and-back': hmmConfig('migrateAndBack', 'reference', [], ['deadlock-free'], {
      patch, description: 'MIGRATE_TO_DEV then a CPU fault back, with the patch',
    }),
    unpatched: hmmConfig('migrateAndBack', 'reference', ['wMigrate'], [], { description: 'the same workload without the patch' }),
  },
});
