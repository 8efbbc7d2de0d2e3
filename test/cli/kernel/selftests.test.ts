import { describe, expect, it } from 'vitest';
import { countResults, parseTap, patchHarnessTimeout } from '../../../cli/kernel/selftests.ts';
import { kernelNameOf, verdictsFromVitestJson } from '../../../cli/kernel/model-verdicts.ts';

// kselftest_harness.h's output format (6.1), written out by hand
const TAP = `TAP version 13
1..5
# Starting 5 tests from 2 test cases.
#  RUN           hmm.hmm_device_private.open_close ...
#            OK  hmm.hmm_device_private.open_close
ok 1 hmm.hmm_device_private.open_close
#  RUN           hmm.hmm_device_private.anon_write_huge ...
# anon_write_huge: Test terminated by timeout
#          FAIL  hmm.hmm_device_private.anon_write_huge
not ok 2 hmm.hmm_device_private.anon_write_huge
#  RUN           hmm.hmm_device_coherent.open_close ...
#      SKIP      DEVICE_COHERENT not available
ok 3 # SKIP DEVICE_COHERENT not available
#  RUN           hmm.hmm_device_coherent.anon_read ...
#      SKIP      DEVICE_COHERENT not available
#            OK  hmm.hmm_device_coherent.anon_read
ok 4 hmm.hmm_device_coherent.anon_read
#  RUN           hmm2.hmm2_device_private.snapshot ...
not ok 5 hmm2.hmm2_device_private.snapshot
# FAILED: 1 / 4 tests passed.`;

describe('hmm-tests output', () => {
  it('reads pass, timeout, skip (also a setup skip printed as ok) and fail from the harness TAP', () => {
    const r = parseTap(TAP.split('\n'));
    expect(r).toEqual([
      { name: 'hmm.hmm_device_private.open_close', result: 'pass' },
      { name: 'hmm.hmm_device_private.anon_write_huge', result: 'timeout' },
      { name: 'hmm.hmm_device_coherent.open_close', result: 'skip' },
      // 6.1 prints "ok" for a test skipped in FIXTURE_SETUP; the SKIP line decides
      { name: 'hmm.hmm_device_coherent.anon_read', result: 'skip' },
      { name: 'hmm2.hmm2_device_private.snapshot', result: 'fail' },
    ]);
    expect(countResults(r)).toEqual({ pass: 1, fail: 1, timeout: 1, skip: 2, 'not-run': 0 });
  });

  it('raises the harness timeout, and refuses a harness without one', () => {
    expect(patchHarnessTimeout('x\n#define TEST_TIMEOUT_DEFAULT 30\ny', 300)).toBe('x\n#define TEST_TIMEOUT_DEFAULT 300\ny');
    expect(() => patchHarnessTimeout('nothing', 300)).toThrow(/TEST_TIMEOUT_DEFAULT/);
  });
});

describe('the model side of a selftest', () => {
  it('maps test/conformance titles to the harness names', () => {
    expect(kernelNameOf('#12 hmm.migrate [hmm_device_private]')).toBe('hmm.hmm_device_private.migrate');
    expect(kernelNameOf('#21 hmm2.snapshot [hmm2_device_coherent]')).toBe('hmm2.hmm2_device_coherent.snapshot');
    expect(kernelNameOf('helper title')).toBeNull();
  });

  it('reads verdicts from vitest\'s JSON report', () => {
    const json = JSON.stringify({ testResults: [{ assertionResults: [
      { title: '#1 hmm.open_close [hmm_device_private]', status: 'passed' },
      { title: '#8 hmm.anon_write_huge [hmm_device_private]', status: 'failed' },
      { title: '#9 hmm.anon_write_hugetlbfs [hmm_device_coherent] — skipped: x', status: 'skipped' },
    ] }] });
    expect([...verdictsFromVitestJson(json)]).toEqual([
      ['hmm.hmm_device_private.open_close', 'pass'],
      ['hmm.hmm_device_private.anon_write_huge', 'fail'],
      ['hmm.hmm_device_coherent.anon_write_hugetlbfs', 'skip'],
    ]);
  });
});
