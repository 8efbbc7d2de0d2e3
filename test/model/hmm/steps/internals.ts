/**
 * The step tests assert individual state words right after one step of the model's own code, so
 * they keep reading the model's internal offsets (layout.ts), as the step files do; code outside
 * model/hmm and test/model/hmm reads states through the typed views (model/hmm/state/view.ts).
 */
export * from '../../../../model/hmm/layout.ts';
export {
  createHmmModel, initialState, isTerminal, mappingVmFlags, makeCtx, DRIVER_VARIANTS, DRIVER_VARIANT_NAMES, resolveDriver,
  driverName, ACTION_KINDS, sleepsInNonblockable, kernel, LABELS, LABEL_NAMES, stateView, stateWriter, decodeState,
  type HmmAction, type HmmState, type HmmConfig, type HmmModel, type Ctx, type DriverBehaviour, type HmmPatch,
} from '../../../../model/hmm/index.ts';
export { ghostForkBackOff, invOff, faultOff, mirrorOff, mdmaOff } from '../../../../model/hmm/v12/words.ts';
