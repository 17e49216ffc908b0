const kinds = Symbol.for('torchlet.error.kinds');

/**
 * Base class of every error torchlet throws. Messages name the op, the argument and the
 * offending shapes or values, e.g. `add: shapes [2,3] and [4] cannot be broadcast`.
 */
export class TorchletError extends Error {
  /** Names of this error's class and its ancestors, so `isInstance` works across package copies. */
  readonly [kinds]: readonly string[];

  constructor(message: string) {
    super(message);
    this.name = new.target.name;
    const names: string[] = [];
    for (let c: unknown = new.target; c !== Error && typeof c === 'function'; c = Object.getPrototypeOf(c)) {
      names.push((c as { name: string }).name);
    }
    this[kinds] = names;
  }

  /**
   * True when `error` is an instance of this class (or a subclass), even one thrown by another
   * copy of the package where `instanceof` fails: `ShapeError.isInstance(e)`.
   */
  static isInstance<T>(this: abstract new (...args: never[]) => T, error: unknown): error is T {
    if (typeof error !== 'object' || error === null || !(kinds in error)) return false;
    return (error as { [kinds]: readonly string[] })[kinds].includes(this.name);
  }
}
