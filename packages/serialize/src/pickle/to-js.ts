import { CheckpointError } from '../checkpoint-error.js';
import { PyDict, PyList, PySet, PyTuple } from './values.js';

/**
 * The deepest container nesting {@link toJs} accepts (and the pickler writes): Python's default
 * recursion limit, so nothing PyTorch writes with default settings is refused, while a pickle
 * nested deeper (which PyTorch itself could not have written) fails instead of producing a value
 * that recursive code (printing, comparing, cloning) would overflow the stack on.
 */
export const MAX_DEPTH = 1000;

type Pending = { source: PyList | PyTuple | PyDict | PySet; target: unknown[] | Record<string, unknown> | Map<unknown, unknown> | Set<unknown>; depth: number };

/**
 * Turns unpickled Python values into JavaScript ones: lists and tuples → arrays, sets → Sets,
 * dicts and OrderedDicts whose keys are all str → plain objects (in insertion order, except that
 * JavaScript puts integer-like keys first), other dicts → Maps. An OrderedDict's `_metadata`
 * attribute (set by BUILD on module state dicts) becomes a non-enumerable `_metadata` property, so
 * `Object.entries` and `loadStateDict` see only the tensors while {@link save} can write it back;
 * other attributes are dropped. One exception keeps optimizer state dicts loadable: in a dict
 * with exactly the keys `state` and `param_groups`, an int-keyed `state` becomes a plain object
 * with numeric keys, the form `Optimizer.loadStateDict` takes.
 *
 * Shared and cyclic references stay shared and cyclic. Iterative: depth costs heap, not stack.
 */
export function toJs(root: unknown): unknown {
  const made = new Map<object, unknown>();
  const pending: Pending[] = [];

  const convert = (value: unknown, depth: number, numericKeysAsObject = false): unknown => {
    if (!(value instanceof PyList || value instanceof PyTuple || value instanceof PyDict || value instanceof PySet)) return value;
    const existing = made.get(value);
    if (existing !== undefined) return existing;
    if (depth > MAX_DEPTH) throw new CheckpointError(`containers are nested more than ${MAX_DEPTH} deep`);
    let target: Pending['target'];
    if (value instanceof PyDict) {
      const asObject = value.keys.every((k) => typeof k === 'string') || (numericKeysAsObject && value.keys.every((k) => typeof k === 'number'));
      target = asObject ? {} : new Map();
    } else {
      target = value instanceof PySet ? new Set() : [];
    }
    made.set(value, target);
    pending.push({ source: value, target, depth });
    return target;
  };

  const result = convert(root, 0);
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    const { source, target, depth } = next;
    const child = (value: unknown, numericKeysAsObject = false) => convert(value, depth + 1, numericKeysAsObject);
    if (source instanceof PyList || source instanceof PyTuple) {
      const array = target as unknown[];
      for (const item of source.items) array.push(child(item));
    } else if (source instanceof PySet) {
      for (const item of source.items) (target as Set<unknown>).add(child(item));
    } else if (target instanceof Map) {
      source.keys.forEach((key, i) => target.set(child(key), child(source.values[i])));
    } else {
      const object = target as Record<string, unknown>;
      const optimizerState = source.keys.length === 2 && source.keys.includes('state') && source.keys.includes('param_groups');
      source.keys.forEach((key, i) => {
        defineEntry(object, String(key), child(source.values[i], optimizerState && key === 'state'), true);
      });
      const metadata = source.attributes.get('_metadata');
      if (metadata !== undefined && !Object.prototype.hasOwnProperty.call(object, '_metadata')) {
        defineEntry(object, '_metadata', child(metadata), false);
      }
    }
  }
  return result;
}

/** Sets `object[key]`; defining the property also covers `__proto__`, which assignment would not. */
function defineEntry(object: Record<string, unknown>, key: string, value: unknown, enumerable: boolean): void {
  Object.defineProperty(object, key, { value, enumerable, writable: true, configurable: true });
}
