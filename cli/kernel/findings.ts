/**
 * The findings of model/hmm/FINDINGS.md that a user-space program can try on a real kernel, each
 * with the committed hmm-dmirror counterexample its reproducer is generated from, and what the
 * model assumes of the kernel beyond 6.1 (the version gap the report must state).
 */
export interface FindingTrace {
  readonly id: string;
  readonly title: string;
  /** relative to the repository root */
  readonly trace: string;
  readonly versionGap: string;
}

export const FINDING_TRACES: readonly FindingTrace[] = [
  {
    id: 'F2',
    title: 'READ racing MIGRATE_TO_DEV on one fd maps a freed page (lib/test_hmm.c)',
    trace: 'counterexamples/hmm-dmirror/migrate-vs-device-read/s3-no-use-after-free.itf.json',
    versionGap: 'the model reads the newest lib/test_hmm.c; 6.1 has the same early return for its own MMU_NOTIFY_MIGRATE in dmirror_interval_invalidate and the same dmirror_do_fault',
  },
  {
    id: 'F5',
    title: 'MADV_DONTNEED zaps a migrate_vma\'s migration entries; the mirror maps a page finalize frees',
    trace: 'counterexamples/hmm-dmirror/dontneed-vs-migrate/s3-no-use-after-free.itf.json',
    versionGap: 'none that matters: 6.1.192 (Debian) has migrate_device_finalize with the same remove_migration_ptes-then-folio_put order the model follows, and MADV_DONTNEED calls zap_page_range_single(…, NULL), no zap_details, so migration entries are zapped',
  },
  {
    id: 'F6',
    title: 'NUMA hinting write-protects migration and device-private entries under mmap_read_lock',
    trace: 'counterexamples/hmm-dmirror/numa-vs-device-private-write/s2-permission-containment.itf.json',
    versionGap: '6.1 change_pte_range has the same unguarded non-present branch (make_readable_device_private_entry); task_numa_work\'s scan timing cannot be forced from user space',
  },
  {
    id: 'F7',
    title: 'a device write after MADV_FREE is invisible to reclaim, which discards the page',
    trace: 'counterexamples/hmm-dmirror/madv-free-vs-device-write/s5-no-lost-update.itf.json',
    versionGap: 'the model follows try_to_unmap_one\'s MADV_FREE check of newer kernels (folio API); 6.1 has the same ref_count == 1 + map_count && !folio_test_dirty test',
  },
  {
    id: 'F8',
    title: 'one device opened twice: a migration through one fd leaves the other fd mapping the freed page (lib/test_hmm.c)',
    trace: 'counterexamples/hmm-dmirror/two-fds-one-device-migrate/s3-no-use-after-free.itf.json',
    versionGap: 'the model reads lib/test_hmm.c as of v6.19; Debian\'s 6.1 has the same early return in dmirror_interval_invalidate, pgmap_owner = dmirror->mdevice in all three migrations and rpage->zone_device_data = dmirror. 6.1\'s dmirror_do_fault stores whatever page hmm_range_fault returns, a device-private one included, and dmirror_do_read kmaps it: when the other fd\'s READ faults after the migration it oopses there, which the model (where a device frame reads like any other) does not show',
  },
];
