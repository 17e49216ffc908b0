import { IndexError, type Tensor } from '@torchlet/autograd';
import { Module } from '../module.js';
import { ModuleError } from '../nn-error.js';
import { Parameter } from '../parameter.js';

function checkIndex(op: string, index: number, length: number): number {
  if (!Number.isInteger(index) || index < -length || index >= length) throw new IndexError(`${op}: index ${index} is out of range for length ${length}`);
  return index < 0 ? index + length : index;
}

/** Children stored as properties `0`, `1`, … (PyTorch's naming), shared by the list containers. */
abstract class IndexedContainer<V> extends Module {
  protected items(): V[] {
    const record = this as unknown as Record<string, V>;
    return Object.keys(this)
      .filter((k) => /^\d+$/.test(k))
      .map((k) => record[k]!);
  }

  protected setItems(items: readonly V[]): void {
    const record = this as unknown as Record<string, V | undefined>;
    for (const k of Object.keys(this)) if (/^\d+$/.test(k)) delete record[k];
    items.forEach((item, i) => (record[String(i)] = item));
  }

  /** Number of entries. */
  get length(): number {
    return this.items().length;
  }

  /** The entry at `index` (negative counts from the end). */
  at(index: number): V {
    const items = this.items();
    return items[checkIndex(`${this.constructor.name}.at`, index, items.length)]!;
  }

  [Symbol.iterator](): Iterator<V> {
    return this.items()[Symbol.iterator]();
  }
}

/**
 * Runs modules in order, each on the previous one's output. Children are named `0`, `1`, … or,
 * built from a record, by its keys (PyTorch's `Sequential(OrderedDict(...))`).
 *
 * @example
 * ```ts
 * const model = new Sequential(new Linear(4, 8), new ReLU(), new Linear(8, 2));
 * const named = new Sequential({ encoder: new Linear(4, 8), act: new ReLU() });
 * ```
 */
export class Sequential extends Module {
  constructor(...modules: Module[] | [Record<string, Module>]) {
    super();
    const first = modules[0];
    if (modules.length === 1 && first !== undefined && !(first instanceof Module)) {
      for (const [name, module] of Object.entries(first)) this.registerModule(name, module);
    } else {
      (modules as Module[]).forEach((m, i) => this.registerModule(String(i), m));
    }
  }

  /** The children in order. */
  private layers(): Module[] {
    return [...this.children()];
  }

  /** Number of layers. */
  get length(): number {
    return this.layers().length;
  }

  /** The layer at `index` (negative counts from the end). */
  at(index: number): Module {
    const layers = this.layers();
    return layers[checkIndex('Sequential.at', index, layers.length)]!;
  }

  /** Adds a layer at the end, named by its position. */
  append(module: Module): this {
    this.registerModule(String(this.length), module);
    return this;
  }

  [Symbol.iterator](): Iterator<Module> {
    return this.layers()[Symbol.iterator]();
  }

  /** Runs the layers in order. Typed for the usual tensor-to-tensor chain. */
  override forward(input: Tensor): Tensor {
    let x: unknown = input;
    for (const layer of this.layers()) x = (layer.call as (...a: unknown[]) => unknown)(x);
    return x as Tensor;
  }
}

/** A list of modules, registered as children `0`, `1`, … (PyTorch's `nn.ModuleList`). */
export class ModuleList extends IndexedContainer<Module> {
  constructor(modules: Iterable<Module> = []) {
    super();
    this.extend(modules);
  }

  /** Adds a module at the end. */
  append(module: Module): this {
    if (!(module instanceof Module)) throw new ModuleError(`ModuleList.append: expected a Module, got ${typeof module}`);
    this.setItems([...this.items(), module]);
    return this;
  }

  /** Adds every module of `modules` at the end. */
  extend(modules: Iterable<Module>): this {
    for (const m of modules) this.append(m);
    return this;
  }

  /** Inserts a module before `index`, renumbering the rest. */
  insert(index: number, module: Module): this {
    const items = this.items();
    const i = index < 0 ? Math.max(0, items.length + index) : Math.min(index, items.length);
    items.splice(i, 0, module);
    this.setItems(items);
    return this;
  }
}

/** A list of parameters, registered as `0`, `1`, … (PyTorch's `nn.ParameterList`). */
export class ParameterList extends IndexedContainer<Parameter> {
  constructor(parameters: Iterable<Parameter> = []) {
    super();
    for (const p of parameters) this.append(p);
  }

  /** Adds a parameter at the end. */
  append(parameter: Parameter): this {
    if (!(parameter instanceof Parameter)) throw new ModuleError('ParameterList.append: expected a Parameter');
    this.setItems([...this.items(), parameter]);
    return this;
  }

  override extraRepr(): string {
    return this.items()
      .map((p, i) => `(${i}): Parameter containing: [${p.dtype} of size ${p.shape.join('x')}]`)
      .join('\n');
  }
}

/** String-keyed containers (ModuleDict, ParameterDict): insertion order is kept. */
abstract class KeyedContainer<V> extends Module {
  readonly #order: string[] = [];

  protected override memberNames(): string[] {
    return [...this.#order];
  }

  /** The entry under `key`. */
  get(key: string): V | undefined {
    return this.#order.includes(key) ? (this as unknown as Record<string, V>)[key] : undefined;
  }

  /** Adds or replaces the entry under `key`. */
  set(key: string, value: V): this {
    this.check(key, value);
    if (!this.#order.includes(key)) this.#order.push(key);
    (this as unknown as Record<string, V>)[key] = value;
    return this;
  }

  /** True when `key` is present. */
  has(key: string): boolean {
    return this.#order.includes(key);
  }

  /** Removes the entry under `key`, returning it. */
  delete(key: string): V | undefined {
    const value = this.get(key);
    if (value === undefined) return undefined;
    this.#order.splice(this.#order.indexOf(key), 1);
    delete (this as unknown as Record<string, V>)[key];
    return value;
  }

  /** The keys in insertion order. */
  keys(): string[] {
    return [...this.#order];
  }

  /** The values in insertion order. */
  values(): V[] {
    return this.#order.map((k) => this.get(k)!);
  }

  /** `[key, value]` pairs in insertion order. */
  entries(): [string, V][] {
    return this.#order.map((k) => [k, this.get(k)!]);
  }

  /** Number of entries. */
  get size(): number {
    return this.#order.length;
  }

  protected abstract check(key: string, value: V): void;
}

/** Modules by name (PyTorch's `nn.ModuleDict`). */
export class ModuleDict extends KeyedContainer<Module> {
  constructor(modules: Record<string, Module> | Iterable<[string, Module]> = {}) {
    super();
    for (const [k, m] of Symbol.iterator in modules ? (modules as Iterable<[string, Module]>) : Object.entries(modules)) this.set(k, m);
  }

  protected check(key: string, value: Module): void {
    if (!(value instanceof Module)) throw new ModuleError(`ModuleDict: value for '${key}' is not a Module`);
    if (key in Module.prototype || key.includes('.') || key === '') throw new ModuleError(`ModuleDict: '${key}' cannot be used as a key`);
  }
}

/** Parameters by name (PyTorch's `nn.ParameterDict`). */
export class ParameterDict extends KeyedContainer<Parameter> {
  constructor(parameters: Record<string, Parameter> | Iterable<[string, Parameter]> = {}) {
    super();
    for (const [k, p] of Symbol.iterator in parameters ? (parameters as Iterable<[string, Parameter]>) : Object.entries(parameters)) this.set(k, p);
  }

  protected check(key: string, value: Parameter): void {
    if (!(value instanceof Parameter)) throw new ModuleError(`ParameterDict: value for '${key}' is not a Parameter`);
    if (key in Module.prototype || key.includes('.') || key === '') throw new ModuleError(`ParameterDict: '${key}' cannot be used as a key`);
  }

  override extraRepr(): string {
    return this.entries()
      .map(([k, p]) => `(${k}): Parameter containing: [${p.dtype} of size ${p.shape.join('x')}]`)
      .join('\n');
  }
}
