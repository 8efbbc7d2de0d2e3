/**
 * The one place that reads an ITF counterexample for `hmm-check reproduce`. It looks at what
 * each step did — action kind (`mbt::actionTaken`), actor, page and the label's trailing
 * detail — and at one part of the state only: the open-file records (`device[i].mirror`,
 * `of_device`, `mm`) a configuration with `fds` writes, which say which device each `mirror<i>`
 * actor's fd opened. Those are configuration, fixed for the whole trace; every other state value
 * is the model's encoding and changes with it. A trace is data: nothing it names is imported or
 * executed.
 */
import { CheckerError } from '../../checker/errors.ts';

/** A trace that cannot become a reproducer: malformed, another spec, or a step we cannot express. */
export class ReproduceError extends CheckerError {
  override name = 'ReproduceError';
}

export interface TraceStep {
  /** 1-based step number, as in the counterexample's .md */
  readonly index: number;
  /** the kernel function the step stands for (`mbt::actionTaken`) */
  readonly kind: string;
  /** `dev0.t1`, `cpu0`, `core-mm`, `oom_reaper`, … */
  readonly actor: string;
  /** the page the step works on, when the label names one */
  readonly page: number | null;
  /** what the label says after the page: `→ -ENOENT`, `MMU_NOTIFY_MIGRATE`, `[1]`, … */
  readonly info: string;
}

export interface TraceHeader {
  readonly spec: string;
  readonly config: string;
  readonly property: string;
  readonly description: string;
  readonly replay: string;
}

/** One open file of /dev/hmm_dmirror<device> (a `struct dmirror`), as the trace's `device[fd]` record names it. */
export interface TraceFile {
  readonly fd: number;
  readonly device: number;
  /** the mm it mirrors: 0 the process, 1 its fork child */
  readonly mm: number;
}

export interface ParsedTrace extends TraceHeader {
  readonly file: string;
  readonly steps: readonly TraceStep[];
  /** the open files when the configuration lists them (`fds`: actors `mirror<fd>.t<n>`); null when each device is opened once (`dev<d>.t<n>`) */
  readonly files: readonly TraceFile[] | null;
}

const LABEL = /^\s*([^:]+):\s*([A-Za-z_][A-Za-z0-9_]*)\s*(?:\(page (\d+)\))?\s*(.*)$/;

function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

/** An ITF integer (`{"#bigint": "3"}`, or a plain number) that is a small non-negative whole number, else null. */
function smallInt(v: unknown): number | null {
  const raw = typeof v === 'number' ? String(v) : str((v as { '#bigint'?: unknown } | null)?.['#bigint']);
  return raw !== undefined && /^\d{1,4}$/.test(raw) ? Number(raw) : null;
}

const MAX_FILE_RECORDS = 64;

/**
 * The open-file records of one state: null when its `device` entries carry no `mirror` field
 * (each device opened once). Records must be `mirror0`, `mirror1`, … in order, each with a device
 * and an mm; anything else means the file was edited.
 */
function fileRecords(state: unknown, file: string, index: number): TraceFile[] | null {
  const devs = (state as Record<string, unknown> | null)?.['device'];
  if (!Array.isArray(devs)) return null;
  const named = devs.filter((d) => d !== null && typeof d === 'object' && 'mirror' in d).length;
  if (named === 0) return null;
  const bad = (why: string): never => {
    throw new ReproduceError(`${file}: state ${index}'s open-file records are inconsistent: ${why} (the file was edited)`, 'pass the counterexample unmodified, as `npm run check` wrote it, or regenerate it with `npm run check`');
  };
  if (named !== devs.length) bad(`${named} of its ${devs.length} "device" entries name a mirror`);
  if (devs.length > MAX_FILE_RECORDS) bad(`${devs.length} open files`);
  return devs.map((d: Record<string, unknown>, fd) => {
    if (d['mirror'] !== `mirror${fd}`) bad(`entry ${fd} is "${String(d['mirror']).slice(0, 40)}", expected "mirror${fd}"`);
    const device = smallInt(d['of_device']);
    const mm = smallInt(d['mm']);
    if (device === null) bad(`mirror${fd} has no device number (of_device)`);
    if (mm === null) bad(`mirror${fd} has no mm number`);
    return { fd, device: device!, mm: mm! };
  });
}

const sameFiles = (a: readonly TraceFile[] | null, b: readonly TraceFile[] | null): boolean =>
  a === null || b === null ? a === b : a.length === b.length && a.every((f, i) => f.device === b[i]!.device && f.mm === b[i]!.mm);

/** `checkHeader` runs before the steps are read, so a trace of another spec is named as such. */
export function parseTrace(text: string, file: string, checkHeader?: (h: TraceHeader) => void): ParsedTrace {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw new ReproduceError(`${file} is not JSON (${(e as Error).message})`, 'pass a counterexample .itf.json written by `npm run check`');
  }
  const d = doc as { '#meta'?: Record<string, unknown>; states?: unknown };
  const meta = d && typeof d === 'object' ? d['#meta'] : undefined;
  if (!meta || typeof meta !== 'object' || !Array.isArray(d.states)) {
    throw new ReproduceError(`${file} is not an ITF trace (no "#meta" or no "states")`, 'pass a counterexample .itf.json written by `npm run check`');
  }
  const header: TraceHeader = {
    spec: str(meta['spec']) ?? '',
    config: str(meta['config']) ?? '',
    property: str(meta['property']) ?? '',
    description: str(meta['description']) ?? '',
    replay: str(meta['replay']) ?? '',
  };
  checkHeader?.(header);
  const steps: TraceStep[] = [];
  d.states.forEach((s: unknown, i: number) => {
    if (i === 0) return;
    const sm = (s as { '#meta'?: Record<string, unknown> } | null)?.['#meta'];
    const label = str(sm?.['action']);
    const actor = str(sm?.['actor']);
    const kind = str((s as Record<string, unknown>)['mbt::actionTaken']);
    const m = label === undefined ? null : LABEL.exec(label);
    if (actor === undefined || kind === undefined || m === null) {
      throw new ReproduceError(
        `${file}: step ${i} has no readable action (expected "#meta".action "actor: kind(page N) …", "#meta".actor and "mbt::actionTaken")`,
        'pass the counterexample unmodified, as `npm run check` wrote it',
      );
    }
    if (m[1]!.trim() !== actor || m[2] !== kind) {
      throw new ReproduceError(`${file}: step ${i}'s label "${label}" disagrees with its actor "${actor}" or action "${kind}" (the file was edited)`, 'regenerate it with `npm run check`');
    }
    steps.push({ index: i, kind, actor, page: m[3] === undefined ? null : Number(m[3]), info: m[4]!.trim() });
  });
  if (steps.length === 0) throw new ReproduceError(`${file} has no steps`, 'pass a counterexample with at least one step');
  // which fd opened which device is configuration: every state must say the same
  const files = fileRecords(d.states[0], file, 0);
  d.states.forEach((s: unknown, i: number) => {
    if (i > 0 && !sameFiles(files, fileRecords(s, file, i))) {
      throw new ReproduceError(`${file}: the open-file records of state ${i} differ from state 0's (which fd opened which device cannot change; the file was edited)`, 'pass the counterexample unmodified, as `npm run check` wrote it, or regenerate it with `npm run check`');
    }
  });
  return { file, ...header, steps, files };
}
