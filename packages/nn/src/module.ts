import { type DType, InvalidArgumentError, noGrad, RawTensor, type RemovableHandle, Tensor, formatShape } from '@torchlet/autograd';
import { addHook } from './hooks.js';
import { ModuleError } from './nn-error.js';
import { Parameter } from './parameter.js';

/** A module's state: PyTorch's keys (`0.weight`, `1.running_mean`) to detached tensors, in order. */
export type StateDict = Record<string, Tensor>;

/** What `loadStateDict` found: keys the module has that the dict lacks, and the reverse. */
export interface LoadResult {
  missingKeys: string[];
  unexpectedKeys: string[];
}

/** Runs before `forward`; may return replacement inputs. */
export type ForwardPreHook<M extends Module = Module> = (module: M, inputs: unknown[]) => unknown[] | void;
/** Runs after `forward`; may return a replacement output. */
export type ForwardHook<M extends Module = Module> = (module: M, inputs: unknown[], output: unknown) => unknown;

const buffersKey = Symbol('buffers');

/**
 * Base class of every layer and model, like PyTorch's `nn.Module`. A module finds its parameters,
 * buffers and submodules by looking at its own properties, in the order they were first
 * assigned: the same order PyTorch's `__setattr__` records, and so the same state-dict order.
 * Assign a {@link Parameter} or a Module to a property to register it; use
 * {@link Module.registerBuffer} for buffers (tensors that are state but not parameters).
 *
 * Run a module with `module.call(...inputs)`, which runs forward pre-hooks, `forward`, and forward
 * hooks, as PyTorch's `module(x)` does.
 *
 * @example
 * ```ts
 * class MLP extends Module {
 *   fc1 = new Linear(4, 8);
 *   fc2 = new Linear(8, 2);
 *   override forward(x: Tensor): Tensor {
 *     return this.fc2.call(relu(this.fc1.call(x)));
 *   }
 * }
 * const model = new MLP();
 * model.call(randn(3, 4)).shape; // [3, 2]
 * Object.keys(model.stateDict()); // ['fc1.weight', 'fc1.bias', 'fc2.weight', 'fc2.bias']
 * ```
 */
export class Module {
  /** True in training mode (the default), false after `eval()`. */
  training = true;
  /** Names of registered buffers, and whether each is persistent (saved in the state dict). */
  private readonly [buffersKey] = new Map<string, boolean>();
  #preHooks: ForwardPreHook[] = [];
  #hooks: ForwardHook[] = [];

  /** The computation; subclasses override it. Call modules through {@link Module.call}. */
  forward(..._inputs: never[]): unknown {
    throw new ModuleError(`${this.constructor.name}: forward() is not implemented`);
  }

  /** Runs the module: pre-hooks, `forward`, hooks (PyTorch's `module(...)`). */
  call(...inputs: Parameters<this['forward']>): ReturnType<this['forward']> {
    let args: unknown[] = inputs;
    for (const hook of this.#preHooks) args = hook(this, args) ?? args;
    let output = (this.forward as (...a: unknown[]) => unknown)(...args);
    for (const hook of this.#hooks) {
      const replaced = hook(this, args, output);
      if (replaced !== undefined) output = replaced;
    }
    return output as ReturnType<this['forward']>;
  }

  /** Registers a hook run before every `forward`; it may return replacement inputs. */
  registerForwardPreHook(hook: ForwardPreHook<this>): RemovableHandle {
    return addHook(this.#preHooks, hook as ForwardPreHook);
  }

  /** Registers a hook run after every `forward`; it may return a replacement output. */
  registerForwardHook(hook: ForwardHook<this>): RemovableHandle {
    return addHook(this.#hooks, hook as ForwardHook);
  }

  /** Registers `parameter` under `name` (null registers an absent parameter, like `bias=False`). */
  registerParameter(name: string, parameter: Parameter | null): void {
    this.checkName('registerParameter', name);
    if (parameter !== null && !(parameter instanceof Parameter)) {
      throw new ModuleError(`registerParameter: cannot assign a ${describe(parameter)} as parameter '${name}' (a Parameter or null is required)`);
    }
    (this as Record<string, unknown>)[name] = parameter;
  }

  /**
   * Registers a buffer: a tensor that is module state but not a parameter (BatchNorm's
   * `running_mean`). Persistent buffers (the default) are saved in the state dict.
   */
  registerBuffer(name: string, tensor: Tensor | RawTensor | null, options: { persistent?: boolean } = {}): void {
    this.checkName('registerBuffer', name);
    if (tensor instanceof Parameter) throw new ModuleError(`registerBuffer: '${name}' is a Parameter; use registerParameter`);
    this[buffersKey].set(name, options.persistent ?? true);
    (this as Record<string, unknown>)[name] = tensor === null || tensor instanceof Tensor ? tensor : Tensor.wrap(tensor);
  }

  /** Registers `module` as a child under `name`. */
  registerModule(name: string, module: Module | null): void {
    this.checkName('registerModule', name);
    if (module !== null && !(module instanceof Module)) throw new ModuleError(`registerModule: ${describe(module)} is not a Module`);
    (this as Record<string, unknown>)[name] = module;
  }

  private checkName(op: string, name: string): void {
    if (typeof name !== 'string' || name === '' || name.includes('.')) {
      throw new ModuleError(`${op}: name ${JSON.stringify(name)} must be a non-empty string without '.'`);
    }
  }

  // ---- Walking the module tree ----------------------------------------------------------------

  /** Own parameters, buffers (with persistence) and children, in assignment order. */
  private ownEntries(): { parameters: [string, Parameter][]; buffers: [string, Tensor, boolean][]; children: [string, Module][] } {
    const parameters: [string, Parameter][] = [];
    const buffers: [string, Tensor, boolean][] = [];
    const children: [string, Module][] = [];
    const record = this as unknown as Record<string, unknown>;
    for (const name of this.memberNames()) {
      const value = record[name];
      if (value instanceof Parameter) parameters.push([name, value]);
      else if (value instanceof Module) children.push([name, value]);
      else if (this[buffersKey].has(name) && value instanceof Tensor) buffers.push([name, value, this[buffersKey].get(name)!]);
    }
    return { parameters, buffers, children };
  }

  /** The property names to look at, in order; containers override this to keep their own order. */
  protected memberNames(): string[] {
    return Object.keys(this);
  }

  /** `[name, parameter]` for every parameter, prefixed with the path to its module. */
  *namedParameters(options: { prefix?: string; recurse?: boolean; removeDuplicate?: boolean } = {}): Generator<[string, Parameter]> {
    const seen = new Set<Parameter>();
    for (const [path, module] of options.recurse === false ? [[options.prefix ?? '', this] as [string, Module]] : this.namedModules({ prefix: options.prefix ?? '' })) {
      for (const [name, p] of module.ownEntries().parameters) {
        if (options.removeDuplicate !== false && seen.has(p)) continue;
        seen.add(p);
        yield [join(path, name), p];
      }
    }
  }

  /** Every parameter (each once, even if shared). */
  *parameters(recurse = true): Generator<Parameter> {
    for (const [, p] of this.namedParameters({ recurse })) yield p;
  }

  /** `[name, buffer]` for every buffer. */
  *namedBuffers(options: { prefix?: string; recurse?: boolean } = {}): Generator<[string, Tensor]> {
    const seen = new Set<Tensor>();
    for (const [path, module] of options.recurse === false ? [[options.prefix ?? '', this] as [string, Module]] : this.namedModules({ prefix: options.prefix ?? '' })) {
      for (const [name, b] of module.ownEntries().buffers) {
        if (seen.has(b)) continue;
        seen.add(b);
        yield [join(path, name), b];
      }
    }
  }

  /** Every buffer. */
  *buffers(recurse = true): Generator<Tensor> {
    for (const [, b] of this.namedBuffers({ recurse })) yield b;
  }

  /** `[name, child]` for the direct children. */
  *namedChildren(): Generator<[string, Module]> {
    const seen = new Set<Module>();
    for (const [name, child] of this.ownEntries().children) {
      if (seen.has(child)) continue;
      seen.add(child);
      yield [name, child];
    }
  }

  /** The direct children. */
  *children(): Generator<Module> {
    for (const [, child] of this.namedChildren()) yield child;
  }

  /** `[path, module]` for this module and every descendant, pre-order, each once. */
  *namedModules(options: { prefix?: string } = {}, seen: Set<Module> = new Set()): Generator<[string, Module]> {
    if (seen.has(this)) return;
    seen.add(this);
    const prefix = options.prefix ?? '';
    yield [prefix, this];
    for (const [name, child] of this.ownEntries().children) yield* child.namedModules({ prefix: join(prefix, name) }, seen);
  }

  /** This module and every descendant. */
  *modules(): Generator<Module> {
    for (const [, m] of this.namedModules()) yield m;
  }

  // ---- Modes and bulk operations --------------------------------------------------------------

  /** Sets training mode (true) or evaluation mode (false) on this module and its descendants. */
  train(mode = true): this {
    if (typeof mode !== 'boolean') throw new InvalidArgumentError(`train: mode is expected to be boolean, got ${typeof mode}`);
    for (const m of this.modules()) m.training = mode;
    return this;
  }

  /** Evaluation mode: `train(false)`. */
  eval(): this {
    return this.train(false);
  }

  /** Calls `fn` on every descendant and then on this module (PyTorch's order). */
  apply(fn: (module: Module) => void): this {
    for (const child of this.children()) child.apply(fn);
    fn(this);
    return this;
  }

  /** Clears every parameter's gradient (to null by default, or to zeros). */
  zeroGrad(options: { setToNone?: boolean } = {}): void {
    for (const p of this.parameters()) {
      if (p.grad === null) continue;
      if (options.setToNone ?? true) p.grad = null;
      else noGrad(() => p.grad!.detach().zero_());
    }
  }

  /** Sets `requiresGrad` on every parameter. */
  requiresGrad_(requiresGrad = true): this {
    for (const p of this.parameters()) p.requiresGrad_(requiresGrad);
    return this;
  }

  /** Converts floating-point parameters and buffers to `dtype`, in place (identities kept). */
  to(options: { dtype: DType }): this {
    noGrad(() => {
      for (const t of [...this.parameters(), ...this.buffers()]) {
        if (t.isFloatingPoint() && t.dtype !== options.dtype) t.set_(t.to(options.dtype).detach());
        if (t.grad !== null && t.grad.isFloatingPoint() && t.grad.dtype !== options.dtype) t.grad = t.grad.to(options.dtype).detach();
      }
    });
    return this;
  }

  /** Converts to float64. */
  double(): this {
    return this.to({ dtype: 'float64' });
  }

  /** Converts to float32. */
  float(): this {
    return this.to({ dtype: 'float32' });
  }

  // ---- State dicts ----------------------------------------------------------------------------

  /**
   * The module's state with PyTorch's keys and order: own parameters, then persistent buffers,
   * then each child's entries under `childName.`. Values are detached tensors sharing storage
   * with the module.
   */
  stateDict(options: { prefix?: string; keepVars?: boolean } = {}): StateDict {
    const out: StateDict = {};
    const visit = (module: Module, prefix: string) => {
      const { parameters, buffers, children } = module.ownEntries();
      for (const [name, p] of parameters) out[prefix + name] = options.keepVars ? p : p.detach();
      for (const [name, b, persistent] of buffers) if (persistent) out[prefix + name] = options.keepVars ? b : b.detach();
      for (const [name, child] of children) visit(child, `${prefix}${name}.`);
    };
    visit(this, options.prefix ?? '');
    return out;
  }

  /**
   * Copies `stateDict`'s values into this module's parameters and buffers (converting dtypes),
   * after checking everything first: a failed load changes nothing. In strict mode (the default)
   * any missing or unexpected key is an error; a shape mismatch is always an error. The error
   * lists every problem at once.
   */
  loadStateDict(stateDict: StateDict | ReadonlyMap<string, RawTensor>, options: { strict?: boolean } = {}): LoadResult {
    const strict = options.strict ?? true;
    const given = stateDict instanceof Map ? new Map(stateDict) : new Map(Object.entries(stateDict as StateDict));
    const own = this.stateDict({ keepVars: true });
    const missingKeys = Object.keys(own).filter((k) => !given.has(k));
    const unexpectedKeys = [...given.keys()].filter((k) => !(k in own));
    const problems: string[] = [];
    for (const [key, target] of Object.entries(own)) {
      const value = given.get(key);
      if (value === undefined) continue;
      if (!(value instanceof RawTensor)) {
        problems.push(`While copying the parameter named "${key}", expected a tensor, got ${describe(value)}.`);
      } else if (value.shape.length !== target.shape.length || value.shape.some((s, i) => s !== target.shape[i])) {
        problems.push(`size mismatch for ${key}: copying a param with shape ${formatShape(value.shape)} from checkpoint, the shape in current model is ${formatShape(target.shape)}.`);
      }
    }
    if (strict) {
      if (unexpectedKeys.length > 0) problems.unshift(`Unexpected key(s) in state_dict: ${unexpectedKeys.map((k) => `"${k}"`).join(', ')}.`);
      if (missingKeys.length > 0) problems.unshift(`Missing key(s) in state_dict: ${missingKeys.map((k) => `"${k}"`).join(', ')}.`);
    }
    if (problems.length > 0) {
      throw new ModuleError(`Error(s) in loading state_dict for ${this.constructor.name}:\n\t${problems.join('\n\t')}`);
    }
    noGrad(() => {
      for (const [key, target] of Object.entries(own)) {
        const value = given.get(key);
        if (value !== undefined) target.detach().copy_(value);
      }
    });
    return { missingKeys, unexpectedKeys };
  }

  // ---- Printing -----------------------------------------------------------------------------

  /** Extra text inside the parentheses of the printed form, e.g. `in_features=4, out_features=8, bias=True`. */
  extraRepr(): string {
    return '';
  }

  /** The printed form, like PyTorch's `repr(module)`. */
  toString(): string {
    const extra = this.extraRepr();
    const lines = extra === '' ? [] : extra.split('\n');
    for (const [name, child] of this.ownEntries().children) lines.push(`(${name}): ${indent(child.toString())}`);
    const name = this.constructor.name;
    if (lines.length === 0) return `${name}()`;
    if (this.ownEntries().children.length === 0 && lines.length === 1) return `${name}(${lines[0]})`;
    return `${name}(\n  ${lines.join('\n  ')}\n)`;
  }

  /** Node's `util.inspect` prints the PyTorch form. */
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return this.toString();
  }
}

function join(prefix: string, name: string): string {
  return prefix === '' ? name : `${prefix}.${name}`;
}

function indent(text: string): string {
  return text.split('\n').join('\n  ');
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'object') return (value as object).constructor?.name ?? 'object';
  return typeof value;
}

