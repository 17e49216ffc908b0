/// <reference types="node" />
/**
 * @torchlet/serialize/node: `torch.save(obj, path)` and `torch.load(path)` for Node. Files are
 * written atomically, so a crash or an error mid-save never leaves a half-written checkpoint
 * where a good one was. The only module of the package that touches Node built-ins; everything
 * else works on bytes and runs in browsers.
 * @packageDocumentation
 */
import { randomBytes } from 'node:crypto';
import { open, readFile, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { Tensor } from '@torchlet/optim';
import { CheckpointError } from './checkpoint-error.js';
import { load, type LoadOptions } from './pt/load.js';
import { save } from './pt/save.js';
import { loadSafetensors, type SafetensorsContents, saveSafetensors } from './safetensors.js';

/**
 * Writes `bytes` to `path` atomically: into `<path>.tmp-<random>` in the same directory, fsynced,
 * then renamed over `path`, then the directory fsynced so the rename itself survives a crash. On
 * any failure the temporary file is removed and `path` keeps its previous contents. The other
 * helpers write through it; use it for bytes made elsewhere, such as `saveCheckpoint`'s.
 *
 * @example
 * ```ts
 * await writeFileAtomic('runs/checkpoint.pt', saveCheckpoint({ model, optimizer, scheduler, epoch }));
 * ```
 */
export async function writeFileAtomic(path: string, bytes: Uint8Array): Promise<void> {
  const directory = dirname(path);
  const temporary = join(directory, `${basename(path)}.tmp-${randomBytes(6).toString('hex')}`);
  try {
    const file = await open(temporary, 'wx');
    try {
      await file.writeFile(bytes);
      await file.sync();
    } finally {
      await file.close();
    }
    await rename(temporary, path);
  } catch (error) {
    await rm(temporary, { force: true }).catch(() => undefined);
    throw error;
  }
  await syncDirectory(directory);
}

/**
 * Flushes a directory, making the rename durable. Some platforms cannot open or sync a directory
 * (Windows: EISDIR/EPERM; some file systems: EINVAL); there the rename is as durable as it gets,
 * and the file is already in place, so the save has succeeded.
 */
async function syncDirectory(directory: string): Promise<void> {
  try {
    const handle = await open(directory, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch (error) {
    if (!UNSYNCABLE.has((error as { code?: string }).code ?? '')) throw error;
  }
}

const UNSYNCABLE = new Set(['EISDIR', 'EPERM', 'EINVAL', 'ENOTSUP']);

/**
 * Saves `obj` to a PyTorch `.pt` file at `path` (PyTorch's `torch.save(obj, path)`), atomically.
 * Serialisation happens before the file is touched, so a value that cannot be saved leaves any
 * previous file intact.
 *
 * @throws CheckpointError when `obj` holds a value the format cannot represent; Node's file-system
 *   errors (`ENOENT`, `EACCES`, …) when the file cannot be written.
 *
 * @example
 * ```ts
 * await saveFile({ epoch, model: model.stateDict() }, 'runs/checkpoint.pt');
 * ```
 */
export async function saveFile(obj: unknown, path: string): Promise<void> {
  await writeFileAtomic(path, save(obj));
}

/**
 * Loads a PyTorch `.pt` file (PyTorch's `torch.load(path, weights_only=True)`): see `load` for the
 * values it returns. Error messages start with the path unless `options.name` says otherwise.
 *
 * @throws CheckpointError when the file is not a valid checkpoint; Node's errors when it cannot be read.
 */
export async function loadFile(path: string, options: LoadOptions = {}): Promise<unknown> {
  return load(await readFile(path), { name: path, ...options });
}

/**
 * Saves tensors to a `.safetensors` file at `path`, atomically (the `safetensors` library's
 * `save_file(tensors, path, metadata)`).
 */
export async function saveSafetensorsFile(tensors: Record<string, Tensor>, path: string, metadata?: Record<string, string>): Promise<void> {
  await writeFileAtomic(path, saveSafetensors(tensors, metadata));
}

/**
 * Loads a `.safetensors` file: its tensors and its string metadata (the `safetensors` library's
 * `load_file`, plus the metadata).
 *
 * @throws CheckpointError, its message starting with the path, when the file is not valid safetensors.
 */
export async function loadSafetensorsFile(path: string): Promise<SafetensorsContents> {
  const bytes = await readFile(path);
  try {
    return loadSafetensors(bytes);
  } catch (error) {
    if (CheckpointError.isInstance(error)) throw new CheckpointError(`${path}: ${error.message}`);
    throw error;
  }
}
