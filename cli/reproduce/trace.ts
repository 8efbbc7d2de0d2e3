/**
 * The one place that reads an ITF counterexample for `hmm-check reproduce`. It looks only at
 * what each step did — action kind (`mbt::actionTaken`), actor, page and the label's trailing
 * detail — never at the state values, whose encoding belongs to the model and changes with it.
 * A trace is data: nothing it names is imported or executed.
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

export interface ParsedTrace extends TraceHeader {
  readonly file: string;
  readonly steps: readonly TraceStep[];
}

const LABEL = /^\s*([^:]+):\s*([A-Za-z_][A-Za-z0-9_]*)\s*(?:\(page (\d+)\))?\s*(.*)$/;

function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

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
  return { file, ...header, steps };
}
