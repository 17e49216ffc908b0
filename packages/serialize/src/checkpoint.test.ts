import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Adam, BatchNorm1d, BatchNorm2d, Conv2d, Flatten, functional as F, Generator, Linear, manualSeed, ReLU, Sequential, StepLR, type Tensor, randn } from '@torchlet/optim';
import { describe, expect, it } from 'vitest';
import { noteSkipped, runTorch, torchPython } from '../test/python.js';
import { CheckpointError } from './checkpoint-error.js';
import { loadCheckpoint, saveCheckpoint } from './checkpoint.js';
import { load } from './pt/load.js';

const fixtures = fileURLToPath(new URL('../test/fixtures/', import.meta.url));

/** Fixed training data, drawn from its own generator so that every run sees the same. */
function makeData() {
  const generator = new Generator(100);
  return { x: randn([16, 3], { generator }), y: randn([16, 1], { generator }) };
}

/**
 * A model with a BatchNorm (float and int64 buffers), Adam and a StepLR, initialised from `seed`.
 * The first Linear has no bias: BatchNorm would cancel its gradient, leaving Adam to amplify
 * rounding noise, and the comparison with PyTorch would measure that noise.
 */
function makeRun(seed: number) {
  manualSeed(seed);
  const model = new Sequential(new Linear(3, 8, { bias: false }), new BatchNorm1d(8), new ReLU(), new Linear(8, 1));
  const optimizer = new Adam(model.parameters(), { lr: 0.01 });
  const scheduler = new StepLR(optimizer, { stepSize: 2, gamma: 0.5 });
  return { model, optimizer, scheduler };
}

function train(run: ReturnType<typeof makeRun>, data: ReturnType<typeof makeData>, steps: number): void {
  for (let i = 0; i < steps; i++) {
    run.optimizer.zeroGrad();
    F.mseLoss(run.model.call(data.x) as Tensor, data.y).backward();
    run.optimizer.step();
    run.scheduler.step();
  }
}

function weights(run: ReturnType<typeof makeRun>): Record<string, number[]> {
  return Object.fromEntries(Object.entries(run.model.stateDict()).map(([key, t]) => [key, [...t.toTypedArray()]]));
}

describe('saveCheckpoint and loadCheckpoint', () => {
  it('resume a training run bit for bit', () => {
    const data = makeData();
    const original = makeRun(0);
    train(original, data, 3);
    const bytes = saveCheckpoint({ ...original, epoch: 3, bestLoss: 0.125 });
    train(original, data, 4);

    const resumed = makeRun(1);
    expect(loadCheckpoint(bytes, resumed)).toEqual({ epoch: 3, bestLoss: 0.125 });
    train(resumed, data, 4);
    expect(weights(resumed)).toEqual(weights(original));
    expect(resumed.scheduler.getLastLr()).toEqual(original.scheduler.getLastLr());
    expect(resumed.scheduler.stateDict()).toEqual(original.scheduler.stateDict());
  });

  it('leave the model untouched when the optimizer entry does not fit', () => {
    const data = makeData();
    const source = makeRun(0);
    train(source, data, 2);
    const bytes = saveCheckpoint({ model: source.model, optimizer: new Adam([...source.model.parameters()].slice(1), { lr: 0.1 }) });
    const target = makeRun(1);
    const before = weights(target);
    expect(() => loadCheckpoint(bytes, target)).toThrow(CheckpointError);
    expect(weights(target)).toEqual(before);
    expect(target.optimizer.state.size).toBe(0);
  });

  it('reject bytes that are not a .pt file', () => {
    expect(() => loadCheckpoint(new Uint8Array([1, 2, 3]), {})).toThrow(CheckpointError);
  });

  for (const folder of ['checkpoints', 'checkpoints-torch1.13']) {
    it(`restore a checkpoint PyTorch wrote (${folder})`, () => {
      const manifest = JSON.parse(readFileSync(join(fixtures, folder, 'manifest.json'), 'utf8'));
      const expected = manifest.files['checkpoint.pt'].value;
      manualSeed(0);
      const model = new Sequential(new Conv2d(1, 2, 3), new BatchNorm2d(2), new ReLU(), new Flatten(), new Linear(32, 3));
      const optimizer = new Adam(model.parameters(), { lr: 0.5 });
      const rest = loadCheckpoint(readFileSync(join(fixtures, folder, 'checkpoint.pt')), { model, optimizer });
      expect(rest).toEqual({ epoch: 3, note: 'hello', lrs: [0.1, 0.01], best: 0.25, flags: { amp: false, none: null } });
      for (const [key, t] of Object.entries(model.stateDict())) {
        expect([...t.toTypedArray()], key).toEqual(expected.model[key].data.map((v: number) => Math.fround(v)));
      }
      expect(optimizer.paramGroups[0]!['lr']).toBe(0.01);
      const firstState = optimizer.state.get([...model.parameters()][0]!)!;
      expect([...(firstState['exp_avg'] as Tensor).toTypedArray()]).toEqual(expected.optimizer.state['0'].exp_avg.data.map((v: number) => Math.fround(v)));
      expect(Number((firstState['step'] as Tensor).item())).toBe(2);
    });
  }

  it('write a checkpoint PyTorch loads and resumes from', () => {
    if (torchPython === null) return noteSkipped();
    const data = makeData();
    const run = makeRun(0);
    train(run, data, 3);
    const directory = mkdtempSync(join(tmpdir(), 'torchlet-checkpoint-'));
    try {
      const path = join(directory, 'checkpoint.pt');
      writeFileSync(path, saveCheckpoint({ ...run, epoch: 3 }));
      const script = `
import json, sys, torch
import torch.nn.functional as F
# PyTorch 1.13's weights-only unpickler cannot read floats (BINFLOAT), which every optimizer state holds.
checkpoint = torch.load(sys.argv[1], weights_only=not torch.__version__.startswith('1.'))
model = torch.nn.Sequential(torch.nn.Linear(3, 8, bias=False), torch.nn.BatchNorm1d(8), torch.nn.ReLU(), torch.nn.Linear(8, 1))
model.load_state_dict(checkpoint['model'])
optimizer = torch.optim.Adam(model.parameters(), lr=0.5)
optimizer.load_state_dict(checkpoint['optimizer'])
scheduler = torch.optim.lr_scheduler.StepLR(optimizer, step_size=5, gamma=0.9)
scheduler.load_state_dict(checkpoint['scheduler'])
x, y = (torch.tensor(v) for v in json.loads(sys.argv[2]))
for _ in range(4):
    optimizer.zero_grad()
    F.mse_loss(model(x), y).backward()
    optimizer.step()
    scheduler.step()
print(json.dumps({'epoch': checkpoint['epoch'], 'lr': scheduler.get_last_lr(),
                  'weights': {k: v.flatten().tolist() for k, v in model.state_dict().items()}}))
`;
      const out = JSON.parse(runTorch(script, [path, JSON.stringify([data.x.tolist(), data.y.tolist()])]));
      train(run, data, 4);
      expect(out.epoch).toBe(3);
      expect(out.lr[0]).toBeCloseTo(run.scheduler.getLastLr()[0]!, 12);
      for (const [key, values] of Object.entries(weights(run))) {
        values.forEach((v, i) => expect(out.weights[key][i], `${key}[${i}]`).toBeCloseTo(v, 6));
      }
    } finally {
      rmSync(directory, { recursive: true, force: true });
    }
  });

  it('resume from a checkpoint PyTorch wrote mid-run, to the weights PyTorch reaches', () => {
    if (torchPython === null) return noteSkipped();
    const data = makeData();
    const directory = mkdtempSync(join(tmpdir(), 'torchlet-checkpoint-'));
    try {
      const path = join(directory, 'checkpoint.pt');
      const script = `
import json, sys, torch
import torch.nn.functional as F
torch.manual_seed(0)
model = torch.nn.Sequential(torch.nn.Linear(3, 8, bias=False), torch.nn.BatchNorm1d(8), torch.nn.ReLU(), torch.nn.Linear(8, 1))
optimizer = torch.optim.Adam(model.parameters(), lr=0.01)
scheduler = torch.optim.lr_scheduler.StepLR(optimizer, step_size=2, gamma=0.5)
x, y = (torch.tensor(v) for v in json.loads(sys.argv[2]))
def train(steps):
    for _ in range(steps):
        optimizer.zero_grad()
        F.mse_loss(model(x), y).backward()
        optimizer.step()
        scheduler.step()
train(3)
torch.save({'epoch': 3, 'model': model.state_dict(), 'optimizer': optimizer.state_dict(), 'scheduler': scheduler.state_dict()}, sys.argv[1])
train(4)
print(json.dumps({'lr': scheduler.get_last_lr(), 'weights': {k: v.flatten().tolist() for k, v in model.state_dict().items()}}))
`;
      const out = JSON.parse(runTorch(script, [path, JSON.stringify([data.x.tolist(), data.y.tolist()])]));
      const run = makeRun(1);
      expect(loadCheckpoint(readFileSync(path), run)).toEqual({ epoch: 3 });
      train(run, data, 4);
      expect(run.scheduler.getLastLr()[0]).toBeCloseTo(out.lr[0], 12);
      for (const [key, values] of Object.entries(weights(run))) {
        values.forEach((v, i) => expect(v, `${key}[${i}]`).toBeCloseTo(out.weights[key][i], 6));
      }
    } finally {
      rmSync(directory, { recursive: true, force: true });
    }
  });

  it('round-trip through load as a plain dict', () => {
    const run = makeRun(0);
    const checkpoint = load(saveCheckpoint({ model: run.model, epoch: 0 })) as Record<string, unknown>;
    expect(Object.keys(checkpoint)).toEqual(['epoch', 'model']);
  });
});
