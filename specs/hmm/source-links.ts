/**
 * Each step of an HMM trace, linked to its function in the source the model follows: the label the
 * actor was at (its program counter in the state before the step) names the kernel file and
 * function (model/hmm/labels.ts), and labelSource gives the release. Upstream links go to
 * Elixir's identifier search for that release, which finds the definition wherever the file moved;
 * the v12 posting is in no release, so its functions link to a search of the linux-mm archive.
 */
import type { SourceLink } from '../../checker/index.ts';
import { type Ctx, type HmmAction, type HmmState, labelSource, stateView, type LabelSource } from '../../model/hmm/index.ts';
import { V12_ENTRY_EMITS } from '../../model/hmm/labels.ts';

const IDENTIFIER = /^[A-Za-z_]\w*$/;

export function sourceLink(src: LabelSource): SourceLink | undefined {
  if (src.file === '') return undefined;
  const where = `${src.source} ${src.file}`;
  if (src.release === undefined) {
    if (!IDENTIFIER.test(src.fn)) return undefined;
    return { text: src.fn, url: `https://lore.kernel.org/linux-mm/?q=${src.fn}`, title: `${where}: ${src.fn} (mailing-list search)` };
  }
  const base = `https://elixir.bootlin.com/linux/${src.release}`;
  // a "function" that is no C identifier (SYSCALL_DEFINE5(mremap)) links to its file instead
  return IDENTIFIER.test(src.fn)
    ? { text: src.fn, url: `${base}/A/ident/${src.fn}`, title: `${where}: ${src.fn}` }
    : { text: src.file, url: `${base}/source/${src.file}`, title: `${where}: ${src.fn}` };
}

/** The source of the step `a` took from `before`: the label at the acting thread's program counter. */
export function stepSource(c: Ctx, a: HmmAction, before: HmmState): SourceLink | undefined {
  if (c.L.actors[a.actor] === undefined) return undefined;
  const pc = stateView(c, 'source').at(before).actor(a.actor).pc;
  // v12 gives some upstream entry labels bodies of its own (v12/steps.ts): what they emit has no
  // upstream function to show
  const v12Own: Readonly<Record<string, readonly string[]>> = V12_ENTRY_EMITS;
  if (c.cfg.design === 'v12' && v12Own[c.prog.labels[pc] ?? '']?.includes(a.kind) === true) return undefined;
  const decl = c.prog.decls[pc];
  return decl === undefined ? undefined : sourceLink(labelSource(decl));
}
