import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Tensor, tensor } from '@torchlet/optim';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { CheckpointError } from './checkpoint-error.js';
import { loadFile, loadSafetensorsFile, saveFile, saveSafetensorsFile, writeFileAtomic } from './node.js';

// Lets a test make the rename fail, the last step of an atomic write.
const failures = vi.hoisted(() => ({ rename: false }));
vi.mock('node:fs/promises', async (importOriginal) => {
  const fs = await importOriginal<typeof import('node:fs/promises')>();
  return {
    ...fs,
    rename: (from: string, to: string) => (failures.rename ? Promise.reject(Object.assign(new Error('EIO: i/o error, rename'), { code: 'EIO' })) : fs.rename(from, to)),
  };
});

let directory: string;
beforeEach(() => {
  directory = mkdtempSync(join(tmpdir(), 'torchlet-node-'));
  failures.rename = false;
});
afterEach(() => rmSync(directory, { recursive: true, force: true }));

describe('saveFile and loadFile', () => {
  it('round-trip a dict of tensors and values', async () => {
    const path = join(directory, 'state.pt');
    await saveFile({ weight: tensor([[1, 2], [3, 4]]), epoch: 2, name: 'run' }, path);
    const loaded = (await loadFile(path)) as { weight: Tensor; epoch: number; name: string };
    expect(loaded.weight.tolist()).toEqual([[1, 2], [3, 4]]);
    expect(loaded.epoch).toBe(2);
    expect(loaded.name).toBe('run');
  });

  it('replace an existing file and leave no temporary file behind', async () => {
    const path = join(directory, 'checkpoint.pt');
    await saveFile({ epoch: 1 }, path);
    await saveFile({ epoch: 2 }, path);
    expect(readdirSync(directory)).toEqual(['checkpoint.pt']);
    expect(await loadFile(path)).toEqual({ epoch: 2 });
  });

  it('leave the previous file intact when the value cannot be saved', async () => {
    const path = join(directory, 'checkpoint.pt');
    await saveFile({ epoch: 1 }, path);
    const before = readFileSync(path);
    await expect(saveFile({ epoch: 2, callback: () => 0 }, path)).rejects.toThrow(CheckpointError);
    expect(readdirSync(directory)).toEqual(['checkpoint.pt']);
    expect(readFileSync(path)).toEqual(before);
  });

  it('leave the previous file intact and remove the temporary file when the rename fails', async () => {
    const path = join(directory, 'checkpoint.pt');
    await saveFile({ epoch: 1 }, path);
    const before = readFileSync(path);
    failures.rename = true;
    await expect(saveFile({ epoch: 2 }, path)).rejects.toThrow('EIO: i/o error, rename');
    expect(readdirSync(directory)).toEqual(['checkpoint.pt']);
    expect(readFileSync(path)).toEqual(before);
  });

  it('remove the temporary file when the target is a directory', async () => {
    const path = join(directory, 'taken');
    mkdirSync(join(path, 'inside'), { recursive: true });
    await expect(saveFile({ epoch: 2 }, path)).rejects.toMatchObject({ code: expect.stringMatching(/^(EISDIR|ENOTEMPTY|EEXIST|EPERM)$/) });
    expect(readdirSync(directory)).toEqual(['taken']);
    expect(readdirSync(path)).toEqual(['inside']);
  });

  it("reject with Node's ENOENT when the directory does not exist", async () => {
    await expect(saveFile({ epoch: 1 }, join(directory, 'missing', 'checkpoint.pt'))).rejects.toMatchObject({ code: 'ENOENT' });
    await expect(loadFile(join(directory, 'missing.pt'))).rejects.toMatchObject({ code: 'ENOENT' });
    expect(readdirSync(directory)).toEqual([]);
  });

  it('reject a file that is not a checkpoint with a CheckpointError naming the path', async () => {
    const path = join(directory, 'notes.pt');
    writeFileSync(path, 'not a zip');
    await expect(loadFile(path)).rejects.toThrow(CheckpointError);
    await expect(loadFile(path)).rejects.toThrow(`load ${path}: `);
    await expect(loadFile(path, { name: 'notes' })).rejects.toThrow(/^load notes: /);
  });
});

describe('writeFileAtomic', () => {
  it('writes bytes made elsewhere, replacing the file whole', async () => {
    const path = join(directory, 'blob.bin');
    writeFileSync(path, 'old contents, longer than the new');
    await writeFileAtomic(path, new Uint8Array([1, 2, 3]));
    expect([...readFileSync(path)]).toEqual([1, 2, 3]);
    expect(readdirSync(directory)).toEqual(['blob.bin']);
  });
});

describe('saveSafetensorsFile and loadSafetensorsFile', () => {
  it('round-trip tensors and metadata, atomically', async () => {
    const path = join(directory, 'model.safetensors');
    await saveSafetensorsFile({ bias: tensor([0.5, -1]) }, path, { format: 'pt' });
    await saveSafetensorsFile({ weight: tensor([[1, 2]]), bias: tensor([0.25, 2]) }, path, { format: 'pt' });
    const { tensors, metadata } = await loadSafetensorsFile(path);
    expect(tensors['weight']!.tolist()).toEqual([[1, 2]]);
    expect(tensors['bias']!.tolist()).toEqual([0.25, 2]);
    expect(metadata).toEqual({ format: 'pt' });
    expect(readdirSync(directory)).toEqual(['model.safetensors']);
  });

  it('reject a file that is not safetensors with a CheckpointError naming the path', async () => {
    const path = join(directory, 'notes.safetensors');
    writeFileSync(path, 'not safetensors');
    await expect(loadSafetensorsFile(path)).rejects.toThrow(CheckpointError);
    await expect(loadSafetensorsFile(path)).rejects.toThrow(`${path}: `);
    await expect(loadSafetensorsFile(join(directory, 'missing.safetensors'))).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('leave the previous file intact when the rename fails', async () => {
    const path = join(directory, 'model.safetensors');
    await saveSafetensorsFile({ bias: tensor([0.5, -1]) }, path);
    const before = readFileSync(path);
    failures.rename = true;
    await expect(saveSafetensorsFile({ bias: tensor([1, 2]) }, path)).rejects.toThrow('EIO');
    expect(readFileSync(path)).toEqual(before);
    expect(readdirSync(directory)).toEqual(['model.safetensors']);
  });
});

describe('@torchlet/serialize/node', () => {
  it('is the only source file that imports Node built-ins, so the main entry runs in browsers', () => {
    const src = fileURLToPath(new URL('.', import.meta.url));
    const files = (readdirSync(src, { recursive: true }) as string[]).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'));
    const users = files.filter((f) => /from\s+['"](node:|fs['"]|path['"]|os['"]|crypto['"])/.test(readFileSync(join(src, f), 'utf8')));
    expect(users).toEqual(['node.ts']);
  });
});
