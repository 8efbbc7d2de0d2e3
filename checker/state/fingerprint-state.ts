/** Fingerprint of a state through its codec: in place when the codec has a view, else via encode. */
import type { StateCodec, WordWriter } from './codec.ts';
import { fingerprint } from './fingerprint.ts';

/** Leaves the result in fpOut, like `fingerprint`. `w` is scratch for codecs without a view. */
export function fingerprintState<S>(codec: StateCodec<S>, s: S, w: WordWriter): void {
  if (codec.view !== undefined) {
    const words = codec.view(s);
    fingerprint(words, 0, words.length);
    return;
  }
  w.reset();
  codec.encode(s, w);
  fingerprint(w.buf, 0, w.length);
}
