import { type DType, RawTensor, type Storage } from '@torchlet/optim';
import { CheckpointError } from '../checkpoint-error.js';
import { encodeElements } from '../dtypes.js';
import { PickleDict, PickleGlobal, PicklePersistentId, PickleReduce, PickleTuple, pickle } from '../pickle/pickler.js';
import { writeAlignedZip } from './zip-writer.js';

/** The storage class PyTorch pickles for each torchlet dtype. */
const STORAGE_CLASS: Readonly<Record<DType, string>> = {
  float32: 'FloatStorage',
  float64: 'DoubleStorage',
  int32: 'IntStorage',
  int64: 'LongStorage',
  bool: 'BoolStorage',
  uint8: 'ByteStorage',
};

/** Optimizer hyperparameters PyTorch keeps as tuples (Adam's betas, Rprop's etas, …). */
const TUPLE_HYPERPARAMETERS = new Set(['betas', 'etas', 'step_sizes', 'eps']);

const REBUILD_TENSOR = new PickleGlobal('torch._utils', '_rebuild_tensor_v2');
const ROOT = 'archive';

/**
 * Writes `obj` as a PyTorch `.pt` file (`torch.save`'s zip format, pickle protocol 2) that
 * `torch.load(path)` and `torch.load(path, weights_only=True)` read in PyTorch 1.13 and 2.x —
 * except that PyTorch 1.13's `weights_only` loader lacks the BINFLOAT opcode, so there a file
 * holding a Python float (an optimizer state dict, most checkpoints) needs plain `torch.load`, as
 * PyTorch 1.13's own files do; module state dicts and tensors load either way.
 *
 * Tensors are written as plain tensors (`requires_grad=False`, like a state dict's), each storage
 * once: tensors sharing a Storage stay views of one record, keys "0", "1", … in order of first
 * encounter. null → None, booleans → bool, integral numbers within ±(2^53 − 1) → int, other
 * numbers → float (JavaScript cannot tell `1.0` from `1`, so `1.0` is written as the int 1), bigint
 * → int, strings → str, arrays → lists, Maps and plain objects → dicts (properties holding
 * `undefined` are skipped). Two rules reproduce what PyTorch writes for state dicts: an object
 * with exactly the keys `state` and `param_groups` (an optimizer state dict) gets int keys in
 * `state` and tuples for two-number `betas`/`etas`/`step_sizes`/`eps` in its groups, and an object
 * carrying a non-enumerable `_metadata` property (as {@link load} returns module state dicts) is
 * written as an OrderedDict with that `_metadata`. Anything else — functions, Sets and other class
 * instances, Map keys that are one key in Python (`1` and `true`),
 * typed arrays, sparse tensors, nesting over 1000 deep — is a {@link CheckpointError} naming its
 * path (`obj.model.forward`).
 *
 * @example
 * ```ts
 * const bytes = save({ epoch: 3, model: model.stateDict(), optimizer: optimizer.stateDict() });
 * ```
 */
export function save(obj: unknown): Uint8Array {
  try {
    const storages = new Map<Storage, { key: string; dtype: DType }>();
    const records: [string, Uint8Array][] = [[`${ROOT}/data.pkl`, pickle(obj, (value) => replace(value, storages))]];
    for (const [storage, { key, dtype }] of storages) records.push([`${ROOT}/data/${key}`, encodeElements(storage.data, dtype)]);
    records.push([`${ROOT}/version`, ascii('3\n')], [`${ROOT}/byteorder`, ascii('little')]);
    return writeAlignedZip(records);
  } catch (error) {
    if (CheckpointError.isInstance(error)) throw new CheckpointError(`save: ${error.message}`);
    throw error;
  }
}

function replace(value: object, storages: Map<Storage, { key: string; dtype: DType }>): unknown {
  if (value instanceof RawTensor) return tensorNode(value, storages);
  if (isPlainObject(value)) {
    const keys = Object.keys(value);
    const record = value as Record<string, unknown>;
    if (keys.length === 2 && keys.includes('state') && keys.includes('param_groups') && isPlainObject(record['state']) && Array.isArray(record['param_groups'])) {
      return optimizerStateNode(record);
    }
    const metadata = Object.getOwnPropertyDescriptor(value, '_metadata');
    if (metadata !== undefined && !metadata.enumerable) {
      return new PickleDict(definedEntries(record), { ordered: true, state: new PickleDict([['_metadata', metadata.value]]) });
    }
  }
  return value;
}

/** `_rebuild_tensor_v2(('storage', torch.XStorage, key, 'cpu', numel), offset, size, stride, False, OrderedDict())`. */
function tensorNode(tensor: RawTensor, storages: Map<Storage, { key: string; dtype: DType }>): PickleReduce {
  if ((tensor as { isSparse?: boolean }).isSparse === true) throw new CheckpointError('sparse tensors cannot be saved; save tensor.toDense()');
  // PyTorch has no negative strides: such a view is saved as a contiguous copy.
  const t = tensor.strides.some((s) => s < 0) ? tensor.contiguous() : tensor;
  let entry = storages.get(t.storage);
  if (entry === undefined) {
    entry = { key: String(storages.size), dtype: t.dtype };
    storages.set(t.storage, entry);
  } else if (entry.dtype !== t.dtype) {
    throw new CheckpointError(`two tensors view one storage as ${entry.dtype} and ${t.dtype}`);
  }
  const pid = new PickleTuple(['storage', new PickleGlobal('torch', STORAGE_CLASS[t.dtype]), entry.key, 'cpu', t.storage.data.length]);
  return new PickleReduce(REBUILD_TENSOR, [new PicklePersistentId(pid), t.offset, new PickleTuple(t.shape), new PickleTuple(t.strides), false, new PickleDict([], { ordered: true })]);
}

/** An optimizer state dict as PyTorch pickles it: int keys in `state`, tuples in `param_groups`. */
function optimizerStateNode(stateDict: Record<string, unknown>): PickleDict {
  const state = new PickleDict(definedEntries(stateDict['state'] as Record<string, unknown>).map(([k, v]) => [/^(0|[1-9]\d{0,14})$/.test(k) ? Number(k) : k, v] as const));
  const groups = (stateDict['param_groups'] as unknown[]).map((group) =>
    isPlainObject(group)
      ? new PickleDict(
          definedEntries(group as Record<string, unknown>).map(([k, v]) => [k, TUPLE_HYPERPARAMETERS.has(k) && Array.isArray(v) && v.length === 2 && v.every((x) => typeof x === 'number') ? new PickleTuple(v) : v] as const),
        )
      : group,
  );
  return new PickleDict(Object.keys(stateDict).map((k) => [k, k === 'state' ? state : groups] as const));
}

function definedEntries(object: Record<string, unknown>): [string, unknown][] {
  return Object.entries(object).filter(([, v]) => v !== undefined);
}

function isPlainObject(value: unknown): value is object {
  if (typeof value !== 'object' || value === null) return false;
  const prototype = Object.getPrototypeOf(value) as unknown;
  return prototype === Object.prototype || prototype === null;
}

function ascii(text: string): Uint8Array {
  return new TextEncoder().encode(text);
}
