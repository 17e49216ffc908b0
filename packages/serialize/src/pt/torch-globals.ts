import { isFloatingPoint, Storage, Tensor } from '@torchlet/optim';
import { CheckpointError } from '../checkpoint-error.js';
import { decodeElements, type FileDType, ITEM_SIZE, LOADED_DTYPE } from '../dtypes.js';
import type { UnpickleHooks } from '../pickle/unpickler.js';
import { describePython, PyDict, PyGlobal, PyList, PySet, PyTuple } from '../pickle/values.js';

/** PyTorch's typed storage classes (`torch.FloatStorage`, …) and the dtype each holds. */
export const STORAGE_DTYPES: Readonly<Record<string, FileDType>> = {
  FloatStorage: 'float32',
  DoubleStorage: 'float64',
  HalfStorage: 'float16',
  BFloat16Storage: 'bfloat16',
  LongStorage: 'int64',
  IntStorage: 'int32',
  ShortStorage: 'int16',
  CharStorage: 'int8',
  ByteStorage: 'uint8',
  BoolStorage: 'bool',
};

/** The largest tensor accepted: no typed array holds more than 2^32 elements. */
const MAX_NUMEL = 2 ** 32;

/** A storage class global: only ever an argument of a persistent id. */
class StorageClass extends PyGlobal {
  constructor(
    name: string,
    readonly dtype: FileDType,
  ) {
    super(`torch.${name}`);
  }
}

/** One `data/<key>` record, decoded once and shared by every tensor that views it. */
class LoadedStorage {
  constructor(
    readonly key: string,
    readonly dtype: FileDType,
    readonly storage: Storage,
  ) {}
}

/**
 * The globals a PyTorch checkpoint may reference and the persistent-id loader for its storages —
 * the same allowlist idea as `torch.load(weights_only=True)`: tensors and parameters, their
 * storage classes, OrderedDict, set, frozenset and `_codecs.encode` (how protocol 2 pickles
 * bytes). Every other global is refused by name, so nothing a pickle names is ever run.
 * `record(key)` returns the bytes of `data/<key>`.
 */
export function torchUnpickleHooks(record: (key: string) => Uint8Array | undefined, littleEndian: boolean): UnpickleHooks {
  const storages = new Map<string, LoadedStorage>();
  const globals = new Map<string, PyGlobal>([
    ['collections.OrderedDict', new PyGlobal('collections.OrderedDict', orderedDict)],
    ['torch._utils._rebuild_tensor_v2', new PyGlobal('torch._utils._rebuild_tensor_v2', rebuildTensorV2)],
    ['torch._utils._rebuild_tensor', new PyGlobal('torch._utils._rebuild_tensor', rebuildTensor)],
    ['torch._utils._rebuild_parameter', new PyGlobal('torch._utils._rebuild_parameter', rebuildParameter)],
    ['torch._utils._rebuild_parameter_with_state', new PyGlobal('torch._utils._rebuild_parameter_with_state', rebuildParameter)],
    ['builtins.set', new PyGlobal('builtins.set', (args) => makeSet(args, false))],
    ['builtins.frozenset', new PyGlobal('builtins.frozenset', (args) => makeSet(args, true))],
    ['_codecs.encode', new PyGlobal('_codecs.encode', latin1Bytes)],
    ...Object.entries(STORAGE_DTYPES).map(([name, dtype]) => [`torch.${name}`, new StorageClass(name, dtype)] as const),
  ]);

  return {
    findGlobal(module, name) {
      // Protocol-2 pickles written by Python 3 name the builtins module by its Python 2 name.
      const qualified = `${module === '__builtin__' ? 'builtins' : module}.${name}`;
      const global = globals.get(qualified);
      if (global !== undefined) return global;
      const hint = /^torch\.\w*Storage$/.test(qualified) ? ': torchlet has no dtype for this storage class' : ' (only tensors, storages, OrderedDict, set, frozenset and bytes are allowed, as with torch.load(weights_only=True))';
      throw new CheckpointError(`global '${qualified}' is not allowed${hint}`);
    },
    persistentLoad(pid) {
      const items = pid instanceof PyTuple ? pid.items : [];
      const [kind, storageClass, key, , numel] = items;
      if (items.length !== 5 || kind !== 'storage' || !(storageClass instanceof StorageClass) || typeof key !== 'string' || typeof numel !== 'number') {
        throw new CheckpointError(`persistent id must be ('storage', torch.<Type>Storage, key, location, numel), got ${describePid(pid)}`);
      }
      const known = storages.get(key);
      if (known !== undefined) {
        if (known.dtype !== storageClass.dtype) throw new CheckpointError(`storage ${key} is read as ${storageClass.dtype} but was ${known.dtype} before`);
        return known;
      }
      const bytes = record(key);
      if (bytes === undefined) throw new CheckpointError(`storage ${key} has no data/${key} record`);
      const size = ITEM_SIZE[storageClass.dtype];
      if (!Number.isSafeInteger(numel) || numel < 0 || numel * size !== bytes.length) {
        throw new CheckpointError(`storage ${key} claims ${numel} ${storageClass.dtype} elements (${numel * size} bytes) but data/${key} holds ${bytes.length} bytes`);
      }
      const loaded = new LoadedStorage(key, storageClass.dtype, new Storage(decodeElements(bytes, storageClass.dtype, littleEndian)));
      storages.set(key, loaded);
      return loaded;
    },
  };
}

function orderedDict(args: readonly unknown[]): PyDict {
  const dict = new PyDict(true);
  if (args.length === 0) return dict;
  const pairs = args[0];
  if (args.length > 1 || !(pairs instanceof PyList || pairs instanceof PyTuple)) {
    throw new CheckpointError(`OrderedDict() takes a list of pairs, got ${args.map(describePython).join(', ')}`);
  }
  for (const pair of pairs.items) {
    if (!((pair instanceof PyTuple || pair instanceof PyList) && pair.items.length === 2)) {
      throw new CheckpointError(`OrderedDict() items must be (key, value) pairs, got ${describePython(pair)}`);
    }
    dict.set(pair.items[0], pair.items[1]);
  }
  return dict;
}

function makeSet(args: readonly unknown[], frozen: boolean): PySet {
  const set = new PySet(frozen);
  const items = args[0];
  if (args.length > 1 || (args.length === 1 && !(items instanceof PyList || items instanceof PyTuple || items instanceof PySet))) {
    throw new CheckpointError(`${frozen ? 'frozenset' : 'set'}() takes a list, got ${args.map(describePython).join(', ')}`);
  }
  for (const item of items instanceof PyList || items instanceof PyTuple || items instanceof PySet ? items.items : []) set.add(item);
  return set;
}

/** `_codecs.encode(text, 'latin1')`: Python 3 bytes as protocol 2 pickles them. */
function latin1Bytes(args: readonly unknown[]): Uint8Array {
  const [text, encoding] = args;
  if (args.length !== 2 || typeof text !== 'string' || (encoding !== 'latin1' && encoding !== 'latin-1')) {
    throw new CheckpointError(`_codecs.encode supports (str, 'latin1'), got (${args.map(describePython).join(', ')})`);
  }
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code > 0xff) throw new CheckpointError(`_codecs.encode: character ${code} is not latin-1`);
    bytes[i] = code;
  }
  return bytes;
}

/** `_rebuild_tensor_v2(storage, storage_offset, size, stride, requires_grad, backward_hooks[, metadata])`. */
function rebuildTensorV2(args: readonly unknown[]): Tensor {
  if (args.length !== 6 && args.length !== 7) throw new CheckpointError(`_rebuild_tensor_v2 takes 6 or 7 arguments, got ${args.length}`);
  const metadata = args[6];
  if (metadata !== undefined && metadata !== null && !(metadata instanceof PyDict && metadata.keys.length === 0)) {
    throw new CheckpointError(`tensor metadata ${describePython(metadata)} with entries is not supported`);
  }
  return withRequiresGrad(rebuildTensor(args.slice(0, 4)), args[4]);
}

/** `_rebuild_tensor(storage, storage_offset, size, stride)`: a view onto a loaded storage. */
function rebuildTensor(args: readonly unknown[]): Tensor {
  const [storage, offset, size, stride] = args;
  if (args.length !== 4 || !(storage instanceof LoadedStorage)) {
    throw new CheckpointError(`a tensor needs (storage, offset, size, stride), got (${args.map(describePython).join(', ')})`);
  }
  const shape = intTuple(size, 'size');
  const strides = intTuple(stride, 'stride');
  if (strides.length !== shape.length) throw new CheckpointError(`size has ${shape.length} dims but stride has ${strides.length}`);
  if (typeof offset !== 'number' || !Number.isSafeInteger(offset) || offset < 0) throw new CheckpointError(`storage offset must be a non-negative int, got ${String(offset)}`);
  const available = storage.storage.data.length;
  let numel = 1;
  let last = offset;
  for (let d = 0; d < shape.length; d++) {
    numel *= shape[d]!;
    if (numel > MAX_NUMEL) throw new CheckpointError(`a tensor of size (${shape.join(', ')}) has more than 2^32 elements`);
    last += (shape[d]! - 1) * strides[d]!;
  }
  if (numel > 0 && last >= available) {
    throw new CheckpointError(`a tensor of size (${shape.join(', ')}), stride (${strides.join(', ')}) at offset ${offset} reaches element ${last} of storage ${storage.key}, which has ${available}`);
  }
  return new Tensor(storage.storage, shape, strides, offset, LOADED_DTYPE[storage.dtype]);
}

/** `_rebuild_parameter(data, requires_grad, backward_hooks)` and its `_with_state` form. */
function rebuildParameter(args: readonly unknown[]): Tensor {
  const [data, requiresGrad, , state] = args;
  if ((args.length !== 3 && args.length !== 4) || !(data instanceof Tensor)) {
    throw new CheckpointError(`a parameter needs (tensor, requires_grad, backward_hooks), got (${args.map(describePython).join(', ')})`);
  }
  if (state !== undefined && state !== null && !(state instanceof PyDict && state.keys.length === 0)) {
    throw new CheckpointError(`parameter state ${describePython(state)} with entries is not supported`);
  }
  return withRequiresGrad(new Tensor(data.storage, data.shape, data.strides, data.offset, data.dtype), requiresGrad);
}

function withRequiresGrad(tensor: Tensor, requiresGrad: unknown): Tensor {
  if (typeof requiresGrad !== 'boolean') throw new CheckpointError(`requires_grad must be a bool, got ${describePython(requiresGrad)}`);
  if (requiresGrad) {
    if (!isFloatingPoint(tensor.dtype)) throw new CheckpointError(`a ${tensor.dtype} tensor cannot require grad`);
    tensor.requiresGrad = true;
  }
  return tensor;
}

function intTuple(value: unknown, what: string): number[] {
  const items = value instanceof PyTuple || value instanceof PyList ? value.items : undefined;
  if (items === undefined || !items.every((v): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0)) {
    throw new CheckpointError(`${what} must be a tuple of non-negative ints, got ${describePython(value)}`);
  }
  return [...items];
}

function describePid(pid: unknown): string {
  return pid instanceof PyTuple ? `(${pid.items.map(describePython).join(', ')})` : describePython(pid);
}
