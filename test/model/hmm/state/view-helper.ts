/**
 * Tests read a state of a model (or of a selftest Session) through the typed, writable view:
 * `view(m, s).mm(0).pte(a).kind`. The view is re-pointed on every call, so each expression reads
 * the state it names.
 */
import { stateWriter, type Ctx, type HmmState, type StateWriter } from '../../../../model/hmm/index.ts';

export const view = (m: { readonly ctx: Ctx } | { readonly model: { readonly ctx: Ctx } }, s: HmmState): StateWriter =>
  stateWriter('ctx' in m ? m.ctx : m.model.ctx, 'test').at(s);
