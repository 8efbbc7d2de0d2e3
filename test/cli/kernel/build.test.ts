import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fragmentLines, missingConfig } from '../../../cli/kernel/build.ts';
import { buildKey } from '../../../cli/kernel/cache.ts';
import { kernelReports, qemuArgs } from '../../../cli/kernel/vm.ts';
import { ROOT } from '../helpers.ts';

const fragment = readFileSync(join(ROOT, 'kernel', 'config.fragment'), 'utf8');

describe('kernel config and cache', () => {
  it('the fragment holds every option issue 16 lists for lib/test_hmm.c, KASAN and DEBUG_VM', () => {
    const want = ['64BIT', 'SMP', 'SERIAL_8250_CONSOLE', 'BLK_DEV_INITRD', 'DEVTMPFS', 'PROC_FS', 'SYSFS', 'SPARSEMEM_VMEMMAP', 'MEMORY_HOTPLUG',
      'MEMORY_HOTREMOVE', 'MIGRATION', 'ZONE_DEVICE', 'DEVICE_PRIVATE', 'TRANSPARENT_HUGEPAGE', 'HUGETLBFS', 'KSM', 'NUMA', 'NUMA_BALANCING',
      'RUNTIME_TESTING_MENU', 'TEST_HMM', 'SLUB', 'KASAN', 'DEBUG_VM'];
    const lines = fragmentLines(fragment);
    for (const o of want) expect(lines, o).toContain(`CONFIG_${o}=y`);
  });

  it('reports fragment lines that olddefconfig dropped', () => {
    expect(missingConfig('# c\nCONFIG_A=y\nCONFIG_B=y\n', 'CONFIG_A=y\n# CONFIG_B is not set\n')).toEqual(['CONFIG_B=y']);
  });

  it('names a build by fragment and source: either changing gives a new build directory', () => {
    const k = buildKey(fragment, 'src:1');
    expect(buildKey(fragment, 'src:1')).toBe(k);
    expect(buildKey(`${fragment}CONFIG_X=y\n`, 'src:1')).not.toBe(k);
    expect(buildKey(fragment, 'src:2')).not.toBe(k);
  });
});

describe('VM', () => {
  it('boots with TCG, 2 CPUs and 2 GiB (KVM hangs on these machines)', () => {
    const a = qemuArgs({ bzImage: 'bz', initrd: 'rd', timeoutSeconds: 1, consoleLog: 'x' }).join(' ');
    expect(a).toContain('-accel tcg -smp 2 -m 2048');
    expect(a).not.toContain('kvm');
  });

  it('cuts a KASAN report and a WARN out of the console (format of mm/kasan/report.c and __warn)', () => {
    const console = [
      '[   12.000000] ==================================================================',
      '[   12.000001] BUG: KASAN: use-after-free in dmirror_do_read+0x1a2/0x2f0',
      '[   12.000002] Read of size 4096 at addr ffff888012345000 by task repro/77',
      '[   12.000003] ',
      '[   12.000004] CPU: 1 PID: 77 Comm: repro Not tainted 6.1.192 #1',
      '[   12.000005] Call Trace:',
      '[   12.000006]  <TASK>',
      '[   12.000007]  dump_stack_lvl+0x34/0x48',
      '[   12.000008]  print_report+0x17a/0x47b',
      '[   12.000009]  kasan_report+0xad/0x130',
      '[   12.000010]  dmirror_do_read+0x1a2/0x2f0',
      '[   12.000011]  dmirror_fops_unlocked_ioctl+0x9a1/0xc20',
      '[   12.000012] ==================================================================',
      '@@REPRO result reproduced',
      '[   13.000000] WARNING: CPU: 0 PID: 78 at lib/test_hmm.c:280 dmirror_do_fault+0x2b0/0x300',
      '[   13.000001] RIP: 0010:dmirror_do_fault+0x2b0/0x300',
      '[   13.000002] ---[ end trace 0000000000000000 ]---',
    ];
    expect(kernelReports(console)).toEqual([
      ['BUG: KASAN: use-after-free in dmirror_do_read+0x1a2/0x2f0', 'Read of size 4096 at addr ffff888012345000 by task repro/77', '  dmirror_do_read+0x1a2/0x2f0', '  dmirror_fops_unlocked_ioctl+0x9a1/0xc20'],
      ['WARNING: CPU: 0 PID: 78 at lib/test_hmm.c:280 dmirror_do_fault+0x2b0/0x300', 'RIP: 0010:dmirror_do_fault+0x2b0/0x300'],
    ]);
  });
});
