/**
 * Benchmark model: `dims` independent counters, each 0..max, any one incremented per step — a
 * hypercube lattice with (max+1)^dims states and dims·max·(max+1)^(dims-1) transitions (each
 * counter below max can step, for every value of the others). Offered in packed and object form.
 */
import type { Model } from '../checker/index.ts';

export function countersModel(dims: number, max: number): Model<Int32Array, number> {
  return {
    id: `counters-${dims}x${max}`,
    initialStates: () => [new Int32Array(dims)],
    successors(s, emit) {
      for (let i = 0; i < dims; i++) {
        if (s[i]! < max) {
          const t = s.slice();
          t[i]!++;
          emit(i, t);
        }
      }
    },
    codec: {
      encode(s, w) {
        for (let i = 0; i < dims; i++) w.push(s[i]!);
      },
    },
    packed: {
      width: dims,
      initial(i, out) {
        if (i < 0) return 1;
        out.fill(0);
        return 1;
      },
      expand(src, off, sink) {
        const next = sink.next;
        let k = 0;
        for (let i = 0; i < dims; i++) {
          if (src[off + i]! < max) {
            for (let j = 0; j < dims; j++) next[j] = src[off + j]!;
            next[i]!++;
            sink.emit(k++);
          }
        }
      },
    },
  };
}

export const expectedCounts = (dims: number, max: number) => ({
  states: (max + 1) ** dims,
  transitions: dims * max * (max + 1) ** (dims - 1),
});
