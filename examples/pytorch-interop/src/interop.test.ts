import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { StateDict, Tensor } from '@torchlet/serialize';
import { loadFile, loadSafetensorsFile } from '@torchlet/serialize/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dataDir, type EvalRecord, fromRecord, type InteropResult, makeImages, predict, runInterop } from './interop.js';

const outDir = mkdtempSync(join(tmpdir(), 'torchlet-interop-'));
afterAll(() => rmSync(outDir, { recursive: true, force: true }));

/** A Python that can import torch (Debian's python3-torch lives at /usr/bin/python3), or null. */
const python = ['python3', '/usr/bin/python3'].find((p) => spawnSync(p, ['-c', 'import torch'], { stdio: 'ignore' }).status === 0) ?? null;

function values(state: Record<string, Tensor>): Record<string, number[]> {
  return Object.fromEntries(Object.entries(state).map(([key, t]) => [key, [...t.toTypedArray()]]));
}

describe('pytorch-interop example', () => {
  let result: InteropResult;
  beforeAll(async () => {
    result = await runInterop({ outDir, steps: 15 });
  });

  it("reproduces PyTorch's eval outputs from its saved state dict", () => {
    expect(result.maxDifference).toBeLessThan(1e-5);
  });

  it('draws labelled synthetic images reproducibly', () => {
    const { x, y } = makeImages(4, 0);
    expect(x.shape).toEqual([4, 1, 6, 6]);
    expect(y.tolist()).toEqual(makeImages(4, 0).y.tolist());
  });

  it('lowers the loss while fine-tuning', () => {
    const { losses } = result;
    expect(losses).toHaveLength(15);
    expect(losses[14]!).toBeLessThan(losses[0]! * 0.8);
  });

  it('writes .pt and .safetensors files that load back to the same weights', async () => {
    const { model, ptPath, safetensorsPath } = result;
    const expected = values(model.stateDict());
    expect(values((await loadFile(ptPath)) as StateDict)).toEqual(expected);
    expect(values((await loadSafetensorsFile(safetensorsPath)).tensors)).toEqual(expected);
  });

  it('writes files PyTorch loads into the same nn.Sequential', async () => {
    if (python === null) return console.log('skipped: python3 with torch not available');
    const { model, ptPath } = result;
    const script = `
import json, sys, torch
from torch import nn
model = nn.Sequential(nn.Conv2d(1, 2, 3), nn.BatchNorm2d(2), nn.ReLU(), nn.Flatten(), nn.Linear(32, 3))
model.load_state_dict(torch.load(sys.argv[1], weights_only=True))
model.eval()
record = json.load(open(sys.argv[2]))['eval_input']
print(json.dumps(model(torch.tensor(record['data']).reshape(record['shape'])).flatten().tolist()))
`;
    const run = spawnSync(python, ['-c', script, ptPath, join(dataDir, 'model_state.json')], { encoding: 'utf8' });
    expect(run.stderr).toBe('');
    const fromPyTorch = JSON.parse(run.stdout) as number[];
    const input = fromRecord((JSON.parse(readFileSync(join(dataDir, 'model_state.json'), 'utf8')) as EvalRecord).eval_input);
    const ours = [...predict(model, input).toTypedArray()];
    ours.forEach((v, i) => expect(fromPyTorch[i]).toBeCloseTo(v, 5));
  });
});
