/**
 * The fixes FINDINGS F1/F2 considers for lib/test_hmm.c's early return in
 * dmirror_interval_invalidate (`if (range->event == MMU_NOTIFY_MIGRATE && range->owner ==
 * dmirror->mdevice) return true;`), each checked on the races that break the driver as written:
 *  - set-seq-unlocked: mmu_interval_set_seq() before the early return, without the mutex (the fix
 *    FINDINGS first recommended);
 *  - set-seq-locked: mutex_lock, mmu_interval_set_seq(), skip only the device-PT erase, unlock;
 *  - no-early-return: no early return at all (the full callback, as hmm.rst's driver does).
 * Also on F8's two fds of one device. Every verdict is printed by `npm run check`; FINDINGS.md quotes them.
 */
import { defineSpec } from '../../checker/index.ts';
import { DRIVER_VARIANTS, type DriverBehaviour } from '../../model/hmm/index.ts';
import { hmmConfig, type ScenarioName } from './configs.ts';
import { PROPERTY_NAMES as P } from './properties.ts';
import { spec as dmirror } from './dmirror.spec.ts';

const FIXES: Record<string, DriverBehaviour> = {
  'set-seq-unlocked': { ...DRIVER_VARIANTS.dmirror, name: 'dmirrorSetSeqUnlocked', ownMigrateSetsSeq: 'unlocked' },
  'set-seq-locked': { ...DRIVER_VARIANTS.dmirror, name: 'dmirrorSetSeqLocked', ownMigrateSetsSeq: 'locked' },
  'no-early-return': { ...DRIVER_VARIANTS.dmirror, name: 'dmirrorNoEarlyReturn', skipOwnMigrate: false },
};

// [scenario, config suffix, witnesses, violated per fix]
const RACES: [ScenarioName, string, ('wRead' | 'wWrite' | 'wMigrate')[], Record<string, string[]>][] = [
  ['migrateVsDeviceRead', 'vs-device-read', ['wRead'], { 'set-seq-unlocked': [], 'set-seq-locked': [], 'no-early-return': [] }],
  ['migrateVsDeviceWrite', 'vs-device-write', ['wWrite'], { 'set-seq-unlocked': [P.s5], 'set-seq-locked': [P.s5], 'no-early-return': [] }],
  ['migrateFaultBackRace', 'fault-back-race', ['wWrite', 'wMigrate', 'wRead'], { 'set-seq-unlocked': [P.s1, P.s3, P.s5], 'set-seq-locked': [P.s5], 'no-early-return': [] }],
  // F8, one device opened twice: the other fd's entry must be erased, which only the full
  // callback does (setting its seq does not remove the entry it already holds)
  ['twoFdsOneDeviceMigrate', 'two-fds-one-device-migrate', ['wRead'], { 'set-seq-unlocked': [P.s1, P.s3], 'set-seq-locked': [P.s1, P.s3], 'no-early-return': [] }],
  ['twoFdsFaultBackRace', 'two-fds-fault-back-race', ['wRead', 'wMigrate'], { 'set-seq-unlocked': [P.s1, P.s3], 'set-seq-locked': [P.s1, P.s3], 'no-early-return': [] }],
];

export const spec = defineSpec({
  ...dmirror,
  id: 'hmm-f2-fixes',
  title: 'lib/test_hmm.c: the fixes considered for F1/F2 (the MIGRATE early return), on the races that break it',
  configs: Object.fromEntries(RACES.flatMap(([scenario, suffix, witnesses, violated]) =>
    Object.entries(FIXES).map(([fix, driver]) => [`${fix}-${suffix}`, hmmConfig(scenario, driver, witnesses, violated[fix]!, {
      description: `${fix}: ${scenario}`,
    })]))),
});
