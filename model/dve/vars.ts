/**
 * Renders a packed DVE state with the user's names, for counterexample views and debugging:
 * globals by name, locals as `Process.name`, control states as `Process` → state name (as
 * `Process.state` when a global has the process's name: `state` is a DVE keyword, so no local can
 * take that key). The result has a null prototype so names like `__proto__` stay ordinary keys.
 */
import type { CompiledDve } from './compile.ts';
import { readField, slotSize } from './layout.ts';

export type DveValue = number | number[] | string;

export function dveVars(compiled: Pick<CompiledDve, 'system' | 'layout'>, state: ArrayLike<number>): Record<string, DveValue> {
  const { system, layout } = compiled;
  const out = Object.create(null) as Record<string, DveValue>;
  const put = (key: string, value: DveValue): void => {
    Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
  };
  for (const v of system.vars) {
    const slot = layout.vars[v.id]!;
    const read = (i: number): number => readField(state, slot.kind, slot.byte + i * slotSize(slot.kind));
    const value = v.length === undefined ? read(0) : Array.from({ length: v.length }, (_, i) => read(i));
    put(v.owner < 0 ? v.name : `${system.processes[v.owner]!.name}.${v.name}`, value);
  }
  system.processes.forEach((p, i) => {
    const slot = layout.control[i]!;
    const s = readField(state, slot.kind, slot.byte);
    const key = Object.hasOwn(out, p.name) ? `${p.name}.state` : p.name;
    put(key, p.states[s] ?? `#${s}`);
  });
  return out;
}
