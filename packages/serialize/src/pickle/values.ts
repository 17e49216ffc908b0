import { CheckpointError } from '../checkpoint-error.js';

/**
 * The Python values an unpickled stream is built from, before {@link toJs} turns them into
 * JavaScript ones. Scalars are already JavaScript (None → null, int → number or bigint, float →
 * number, str → string, bytes → Uint8Array); containers keep their Python kind here because a
 * dict's JavaScript form depends on all of its keys, known only once the stream is read.
 */
export class PyList {
  constructor(readonly items: unknown[] = []) {}
}

/** A Python tuple. */
export class PyTuple {
  constructor(readonly items: readonly unknown[]) {}
}

/** A Python dict or OrderedDict, in insertion order, with the attributes BUILD set on it. */
export class PyDict {
  readonly keys: unknown[] = [];
  readonly values: unknown[] = [];
  /** Attributes set by BUILD, e.g. a state dict's `_metadata`. */
  readonly attributes = new Map<string, unknown>();
  readonly #index = new Map<unknown, number>();

  constructor(readonly ordered = false) {}

  /** `dict[key] = value`: a key already present keeps its place and takes the new value. */
  set(key: unknown, value: unknown): void {
    checkHashable(key);
    const i = this.#index.get(key);
    if (i !== undefined) {
      this.values[i] = value;
      return;
    }
    this.#index.set(key, this.keys.length);
    this.keys.push(key);
    this.values.push(value);
  }
}

/** A Python set or frozenset. */
export class PySet {
  readonly items: unknown[] = [];
  readonly #seen = new Set<unknown>();

  constructor(readonly frozen = false) {}

  add(item: unknown): void {
    checkHashable(item);
    if (this.#seen.has(item)) return;
    this.#seen.add(item);
    this.items.push(item);
  }
}

/**
 * A global (`module.name`) the unpickler may reference: a class or function from the allowlist.
 * `call` is present for those REDUCE and NEWOBJ may call; the others (storage classes) are only
 * ever passed as arguments.
 */
export class PyGlobal {
  constructor(
    readonly qualifiedName: string,
    readonly call?: (args: readonly unknown[]) => unknown,
  ) {}
}

// Keys are compared by value for scalars (JavaScript's Map does that) and by identity for
// tuples and objects; Python's mutable containers cannot be keys at all.
function checkHashable(key: unknown): void {
  if (key instanceof PyList || key instanceof PyDict || (key instanceof PySet && !key.frozen)) {
    throw new CheckpointError(`unhashable type '${describePython(key)}' used as a dict key or set item`);
  }
}

/** The Python type name of an unpickled value, for error messages. */
export function describePython(value: unknown): string {
  if (value === null) return 'None';
  if (value instanceof PyList) return 'list';
  if (value instanceof PyTuple) return 'tuple';
  if (value instanceof PyDict) return value.ordered ? 'OrderedDict' : 'dict';
  if (value instanceof PySet) return value.frozen ? 'frozenset' : 'set';
  if (value instanceof PyGlobal) return value.qualifiedName;
  if (value instanceof Uint8Array) return 'bytes';
  switch (typeof value) {
    case 'string':
      return 'str';
    case 'boolean':
      return 'bool';
    case 'bigint':
      return 'int';
    case 'number':
      return Number.isInteger(value) ? 'int' : 'float';
    default:
      return (value as object).constructor?.name ?? 'object';
  }
}
