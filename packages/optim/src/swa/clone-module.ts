import { Module, noGrad, Parameter, RawTensor, Tensor } from '@torchlet/nn';

/**
 * A deep copy of a module, as Python's `copy.deepcopy(model)` gives `AveragedModel`: the same
 * class, training flag and options, with every parameter, buffer and submodule copied (new
 * storage, same values, same `requiresGrad`). Sharing is kept: a parameter or module that appears
 * twice in `module` (tied weights) appears twice in the copy as one object. Arrays, Maps, Sets and
 * plain objects are copied; functions and instances of other classes are shared.
 *
 * The copy is made without running the subclass's constructor: it is `Module`'s constructor with
 * the subclass as `new.target`, then the original's own properties. So `Module`'s own private
 * state (forward hooks) starts empty, as the hooks are not copied; a subclass that keeps state in
 * JavaScript `#private` fields cannot be copied this way (none in @torchlet/nn does).
 *
 * @example
 * ```ts
 * const copy = cloneModule(model);
 * copy.stateDict(); // same keys and values as model.stateDict(), in new tensors
 * ```
 */
export function cloneModule<M extends Module>(module: M): M {
  return noGrad(() => cloneValue(module, new Map()) as M);
}

function cloneValue(value: unknown, memo: Map<unknown, unknown>): unknown {
  if (value === null || typeof value !== 'object') return value;
  const seen = memo.get(value);
  if (seen !== undefined) return seen;
  let copy: unknown;
  if (value instanceof Parameter) {
    copy = new Parameter(value.detach().clone(), value.requiresGrad);
  } else if (value instanceof Tensor) {
    const tensor = value.detach().clone();
    if (value.requiresGrad && value.isLeaf) tensor.requiresGrad_();
    copy = tensor;
  } else if (value instanceof RawTensor) {
    copy = value.clone();
  } else if (value instanceof Module) {
    const target = Reflect.construct(Module, [], value.constructor) as Module;
    memo.set(value, target);
    copyProperties(value, target, memo);
    return target;
  } else if (Array.isArray(value)) {
    const array: unknown[] = [];
    memo.set(value, array);
    for (const item of value) array.push(cloneValue(item, memo));
    return array;
  } else if (value instanceof Map) {
    const map = new Map();
    memo.set(value, map);
    for (const [k, v] of value) map.set(cloneValue(k, memo), cloneValue(v, memo));
    return map;
  } else if (value instanceof Set) {
    const set = new Set();
    memo.set(value, set);
    for (const item of value) set.add(cloneValue(item, memo));
    return set;
  } else if (Object.getPrototypeOf(value) === Object.prototype || Object.getPrototypeOf(value) === null) {
    const object = Object.create(Object.getPrototypeOf(value) as object | null) as object;
    memo.set(value, object);
    copyProperties(value, object, memo);
    return object;
  } else {
    copy = value;
  }
  memo.set(value, copy);
  return copy;
}

/** Copies own properties (string and symbol keys, in order), cloning their values. */
function copyProperties(source: object, target: object, memo: Map<unknown, unknown>): void {
  for (const key of Reflect.ownKeys(source)) {
    const descriptor = Object.getOwnPropertyDescriptor(source, key)!;
    if ('value' in descriptor) descriptor.value = cloneValue(descriptor.value, memo);
    Object.defineProperty(target, key, descriptor);
  }
}
