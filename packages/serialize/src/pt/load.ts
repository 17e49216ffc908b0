import { CheckpointError } from '../checkpoint-error.js';
import { toJs } from '../pickle/to-js.js';
import { unpickle } from '../pickle/unpickler.js';
import { torchUnpickleHooks } from './torch-globals.js';
import { readZip } from './zip-reader.js';

/** Options of {@link load}. */
export interface LoadOptions {
  /** A name for the bytes (e.g. the file path), put at the start of every error message. */
  name?: string;
}

/** The newest `.pt` format version PyTorch (1.13 to 2.x) reads. */
const MAX_FORMAT_VERSION = 10;
/** The start of a legacy (before 1.6) torch.save file: a pickled magic number. */
const LEGACY_MAGIC = [0x80, 0x02, 0x8a, 0x0a, 0x6c, 0xfc, 0x9c, 0x46, 0xf9, 0x20, 0x6a, 0xa8, 0x50, 0x19];

/**
 * Reads a PyTorch `.pt` checkpoint (the zip format `torch.save` has written since 1.6), like
 * `torch.load(path, weights_only=True)`: only tensors, parameters, OrderedDict, set, frozenset and
 * bytes may appear; any other pickled global is refused by name and nothing in the file is run.
 *
 * Values map to JavaScript as follows. Tensors become torchlet Tensors that view shared storages
 * as in the file (views stay views); dtypes float16/bfloat16 → float32, int8/int16 → int32,
 * uint8 → uint8, bool → bool, and int32, int64, float32, float64 as they are (int64 values beyond
 * ±2^53 are rounded to the nearest double); `nn.Parameter`s become tensors with `requiresGrad`.
 * None → null, bools → booleans, ints → numbers (bigint beyond ±(2^53 − 1)), floats → numbers,
 * str → strings, bytes → Uint8Array, lists and tuples → arrays, sets → Sets, dicts with only str
 * keys (OrderedDicts too) → plain objects, other dicts → Maps — except that an optimizer state
 * dict's `state` (int keys) becomes a plain object with numeric keys, so the result passes
 * straight to `Optimizer.loadStateDict`. A state dict's `_metadata` is kept as a non-enumerable
 * property. Every check is made before the value is returned: the result is complete or the
 * call throws a {@link CheckpointError}, which is the only error it throws.
 *
 * @example
 * ```ts
 * const state = load(bytes) as Record<string, Tensor>;
 * model.loadStateDict(state);
 * ```
 */
export function load(bytes: Uint8Array, options: LoadOptions = {}): unknown {
  try {
    if (!(bytes instanceof Uint8Array)) throw new CheckpointError(`expected a Uint8Array, got ${bytes === null ? 'null' : typeof bytes}`);
    return readCheckpoint(bytes);
  } catch (error) {
    const where = options.name === undefined ? 'load' : `load ${options.name}`;
    if (CheckpointError.isInstance(error)) throw new CheckpointError(`${where}: ${error.message}`);
    // Not expected: every bad input is meant to be caught by a check above. Kept typed anyway.
    const wrapped = new CheckpointError(`${where}: unexpected ${(error as Error)?.name ?? 'error'}: ${(error as Error)?.message ?? String(error)}`);
    Object.defineProperty(wrapped, 'cause', { value: error });
    throw wrapped;
  }
}

function readCheckpoint(bytes: Uint8Array): unknown {
  if (LEGACY_MAGIC.every((b, i) => bytes[i] === b)) {
    throw new CheckpointError('this is the legacy torch.save format (PyTorch before 1.6), which is not supported; re-save it with a newer PyTorch');
  }
  const records = readZip(bytes);
  const roots = [...records.keys()].filter((name) => /^[^/]+\/data\.pkl$/.test(name)).map((name) => name.slice(0, -'/data.pkl'.length));
  if (roots.length !== 1) {
    const names = [...records.keys()].slice(0, 5).join(', ');
    throw new CheckpointError(roots.length === 0 ? `no <root>/data.pkl record in the archive (it holds ${names || 'nothing'})` : `several roots hold a data.pkl: ${roots.join(', ')}`);
  }
  const root = roots[0]!;
  const text = (name: string) => {
    const record = records.get(`${root}/${name}`);
    return record === undefined ? undefined : new TextDecoder().decode(record).trim();
  };
  const version = text('.data/version') ?? text('version');
  if (version === undefined) throw new CheckpointError(`no ${root}/version record`);
  if (!/^\d{1,3}$/.test(version) || Number(version) < 1 || Number(version) > MAX_FORMAT_VERSION) {
    throw new CheckpointError(`${root}/version is ${JSON.stringify(version.slice(0, 20))}; versions 1 to ${MAX_FORMAT_VERSION} are supported`);
  }
  const byteOrder = text('byteorder') ?? 'little';
  if (byteOrder !== 'little' && byteOrder !== 'big') throw new CheckpointError(`${root}/byteorder is ${JSON.stringify(byteOrder.slice(0, 20))}, not little or big`);
  const hooks = torchUnpickleHooks((key) => records.get(`${root}/data/${key}`), byteOrder === 'little');
  return toJs(unpickle(records.get(`${root}/data.pkl`)!, hooks, `${root}/data.pkl`));
}
