/**
 * Fingerprint of a state through its codec: in place when the codec has a view, else via encode.
 * A codec that throws is named as the culprit (CodecError), not the successors() that emitted
 * the state.
 */
import { CodecError, thrownText } from '../errors.ts';
import type { StateCodec, WordWriter } from './codec.ts';
import { fingerprint } from './fingerprint.ts';

/** Leaves the result in fpOut, like `fingerprint`. `w` is scratch for codecs without a view. */
export function fingerprintState<S>(codec: StateCodec<S>, s: S, w: WordWriter): void {
  if (codec.view !== undefined) {
    let words;
    try {
      words = codec.view(s);
    } catch (e) {
      throw codecError('view', e);
    }
    fingerprint(words, 0, words.length);
    return;
  }
  w.reset();
  try {
    codec.encode(s, w);
  } catch (e) {
    throw codecError('encode', e);
  }
  fingerprint(w.buf, 0, w.length);
}

function codecError(which: 'view' | 'encode', e: unknown): CodecError {
  const err = new CodecError(`the state codec's ${which}() threw ${thrownText(e)}`, `fix codec.${which} in the model (re-run with --debug for the stack trace)`);
  err.cause = e;
  if (e instanceof Error && e.stack) err.stack = `${err.name}: ${err.message}\ncaused by ${e.stack}`;
  return err;
}
