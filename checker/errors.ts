/**
 * Misuse errors (graphology style: typed classes with a stable `name`). Verdicts are never
 * exceptions; these are for bad input and broken model contracts. The CLI turns any of them
 * into a one-paragraph message and exit code 2.
 */
export class CheckerError extends Error {
  override name = 'CheckerError';
  /** what the user should do about it, shown after the message */
  readonly hint: string | undefined;
  constructor(message: string, hint?: string) {
    super(message);
    this.hint = hint;
  }
}

/** Replay re-derived a different transition sequence than the search saw: the model is not a function of its state. */
export class ReplayMismatchError extends CheckerError {
  override name = 'ReplayMismatchError';
}

/** A model broke the Model contract (threw in successors, emitted nothing from initialStates, bad encoding). */
export class ModelContractError extends CheckerError {
  override name = 'ModelContractError';
}

/** Unknown config / property / strategy, bad numbers. */
export class ConfigError extends CheckerError {
  override name = 'ConfigError';
}

/** A spec file that cannot be loaded, or does not export a spec. */
export class SpecLoadError extends CheckerError {
  override name = 'SpecLoadError';
}

/** A property's holds() threw: the property is at fault, not the model. */
export class PropertyError extends CheckerError {
  override name = 'PropertyError';
}

/** A state codec (encode or view) threw: the codec is at fault, not successors(). */
export class CodecError extends CheckerError {
  override name = 'CodecError';
}

/** The message of whatever user code threw, on one line. */
export function thrownText(e: unknown): string {
  const err = e instanceof Error ? e : new Error(String(e));
  return `${err.name}: ${err.message.split('\n')[0]}`;
}
