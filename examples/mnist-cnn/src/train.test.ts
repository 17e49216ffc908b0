import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadCheckpoint, manualSeed, noGrad, type Sequential } from '@torchlet/serialize';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { batchOf, type Digits, loadDigits, splitDigits } from './digits.js';
import { lenet } from './lenet.js';
import type { RunConfig } from './options.js';
import type { Terminal } from './progress.js';
import { defaultLr, OPTIMIZER_NAMES, type SchedulerName } from './recipes.js';
import { train, type TrainResult } from './train.js';
import { UsageError } from './usage-error.js';

let digits: Digits;
let scratch: string;
const quiet: Terminal = { write: () => {}, isTTY: false };

beforeAll(() => {
  digits = loadDigits();
  scratch = mkdtempSync(join(tmpdir(), 'mnist-cnn-'));
});
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

let runs = 0;
function outDir(): string {
  return join(scratch, `run-${++runs}`);
}

/** A run small enough for a unit test: a few hundred digits, batches of 32. */
function tiny(overrides: Partial<RunConfig> = {}): RunConfig {
  const optimizer = overrides.optimizer ?? 'Adam';
  return { epochs: 2, batchSize: 32, optimizer, lr: defaultLr(optimizer), scheduler: 'onecycle', seed: 3, trainSize: 96, testSize: 50, ...overrides };
}

function weights(model: Sequential): Record<string, number[]> {
  return Object.fromEntries(Object.entries(model.stateDict()).map(([key, t]) => [key, Array.from(t.contiguous().toTypedArray())]));
}

/** Everything an epoch records but its timing, which differs from run to run. */
function untimed(result: TrainResult) {
  return result.history.map(({ seconds: _s, samplesPerSecond: _r, ...rest }) => rest);
}

describe('splitDigits', () => {
  it('reads the 10,000 digits of the mnist package and splits them the same way every time', () => {
    expect(digits.count).toBe(10_000);
    const a = splitDigits(digits, 8000, 2000);
    const b = splitDigits(digits, 100, 10);
    expect([a.train.count, a.test.count]).toEqual([8000, 2000]);
    expect(Array.from(b.train.labels)).toEqual(Array.from(a.train.labels.subarray(0, 100)));
    expect(Array.from(b.test.images.subarray(0, 784))).toEqual(Array.from(a.test.images.subarray(0, 784)));
    expect(new Set(a.test.labels).size).toBe(10);
  });
});

describe('train', () => {
  it('lowers the loss on a small run', async () => {
    const result = await train({ config: tiny({ epochs: 3, trainSize: 320, scheduler: 'none', lr: 2e-3 }), outDir: outDir(), digits, terminal: quiet });
    const losses = result.history.map((m) => m.loss);
    expect(losses).toHaveLength(3);
    expect(losses[2]!).toBeLessThan(losses[0]! * 0.8);
  });

  it('writes checkpoint.pt, metrics.json and curves.svg after every epoch', async () => {
    const dir = outDir();
    const result = await train({ config: tiny(), outDir: dir, digits, terminal: quiet });
    const metrics = JSON.parse(readFileSync(join(dir, 'metrics.json'), 'utf8'));
    expect(metrics.config).toEqual(tiny());
    expect(metrics.epochs.map((m: { epoch: number }) => m.epoch)).toEqual([1, 2]);
    expect(Object.keys(metrics.epochs[0]).sort()).toEqual(['accuracy', 'epoch', 'loss', 'lr', 'samplesPerSecond', 'seconds', 'testAccuracy', 'testLoss']);
    expect(metrics.finalTestAccuracy).toBe(result.testAccuracy);

    const svg = readFileSync(join(dir, 'curves.svg'), 'utf8');
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg.match(/<polyline /g)).toHaveLength(4);

    const model = lenet();
    const rest = loadCheckpoint(readFileSync(join(dir, 'checkpoint.pt')), { model });
    expect(rest.epoch).toBe(2);
    expect(weights(model)).toEqual(weights(result.model));
    expect(Object.keys(rest).sort()).toEqual(['config', 'epoch', 'history', 'optimizer', 'rng_state', 'scheduler']);
  });

  it.each<[RunConfig['optimizer'], SchedulerName]>([
    ['Adam', 'onecycle'],
    ['SGD', 'step'],
    ['RMSprop', 'cosine'],
    ['LBFGS', 'none'],
  ])('resumed after epoch 1, %s with %s reaches the weights of an uninterrupted run', async (optimizer, scheduler) => {
    const config = tiny({ optimizer, scheduler, trainSize: 64 });
    const whole = await train({ config, outDir: outDir(), digits, terminal: quiet });
    const interrupted = await train({ config, outDir: outDir(), digits, terminal: quiet, stopAfterEpoch: 1 });
    expect(interrupted.history).toHaveLength(1);
    expect(weights(interrupted.model)).not.toEqual(weights(whole.model));
    const resumed = await train({ config: tiny({ optimizer: 'SGD', epochs: 9 }), resume: interrupted.files.checkpoint, outDir: outDir(), digits, terminal: quiet });
    expect(resumed.config).toEqual(config);
    expect(weights(resumed.model)).toEqual(weights(whole.model));
    expect(untimed(resumed)).toEqual(untimed(whole));
  });

  it('refuses to resume with a flag that contradicts the checkpoint', async () => {
    const first = await train({ config: tiny({ trainSize: 32 }), outDir: outDir(), digits, terminal: quiet, stopAfterEpoch: 1 });
    const attempt = train({ config: tiny({ trainSize: 32, epochs: 5 }), given: new Set(['epochs']), resume: first.files.checkpoint, outDir: outDir(), digits, terminal: quiet });
    await expect(attempt).rejects.toSatisfy((error) => UsageError.isInstance(error) && /cannot take --epochs 5 \(the checkpoint has 2\)/.test((error as Error).message));
  });

  it('refuses to resume a finished run or a missing file', async () => {
    const done = await train({ config: tiny({ trainSize: 32, epochs: 1 }), outDir: outDir(), digits, terminal: quiet });
    await expect(train({ config: tiny(), resume: done.files.checkpoint, outDir: outDir(), digits, terminal: quiet })).rejects.toThrow(/already finished its 1 epochs/);
    await expect(train({ config: tiny(), resume: join(scratch, 'nope.pt'), outDir: outDir(), digits, terminal: quiet })).rejects.toThrow(/cannot read it \(ENOENT\)/);
  });

  it.each(OPTIMIZER_NAMES.filter((name) => name !== 'SparseAdam' && name !== 'LBFGS'))('trains with %s', async (optimizer) => {
    const result = await train({ config: tiny({ optimizer: optimizer as RunConfig['optimizer'], epochs: 1, trainSize: 64 }), outDir: outDir(), digits, terminal: quiet });
    expect(Number.isFinite(result.history[0]!.loss)).toBe(true);
    expect(weights(result.model)).not.toEqual(weights(lenetWithSeed(3)));
  });

  it('writes a checkpoint PyTorch loads, whose model gives the same logits there', async () => {
    if (torchPython === null) {
      console.log('skipped: python3 with torch not available');
      return;
    }
    const dir = outDir();
    const result = await train({ config: tiny({ epochs: 1 }), outDir: dir, digits, terminal: quiet });
    const { x } = batchOf(splitDigits(digits, 1, 4).test, [0, 1, 2, 3]);
    const expected = noGrad(() => result.model.eval().call(x)).tolist() as number[][];
    const script = `
import json, sys, torch
import torch.nn as nn
# PyTorch 1.13's weights-only unpickler cannot read floats (BINFLOAT), which every optimizer state holds.
checkpoint = torch.load(sys.argv[1], weights_only=not torch.__version__.startswith('1.'))
model = nn.Sequential(nn.Conv2d(1, 6, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2), nn.Conv2d(6, 16, 5), nn.ReLU(), nn.MaxPool2d(2),
                      nn.Flatten(), nn.Linear(400, 120), nn.ReLU(), nn.Linear(120, 84), nn.ReLU(), nn.Linear(84, 10))
model.load_state_dict(checkpoint['model'])
optimizer = torch.optim.Adam(model.parameters())
optimizer.load_state_dict(checkpoint['optimizer'])
weights = torch.load(sys.argv[2], weights_only=True)
x = torch.tensor(json.loads(sys.argv[3]))
print(json.dumps({'keys': sorted(checkpoint.keys()), 'epoch': checkpoint['epoch'], 'logits': model.eval()(x).tolist(),
                  'same': all(torch.equal(weights[k], v) for k, v in model.state_dict().items())}))
`;
    const run = spawnSync(torchPython, ['-c', script, result.files.checkpoint, result.files.weights, JSON.stringify(x.tolist())], { encoding: 'utf8' });
    expect(run.status, run.stderr).toBe(0);
    const out = JSON.parse(run.stdout);
    expect(out.keys).toEqual(['config', 'epoch', 'history', 'model', 'optimizer', 'rng_state', 'scheduler']);
    expect(out.epoch).toBe(1);
    expect(out.same).toBe(true);
    out.logits.forEach((row: number[], i: number) => row.forEach((v, j) => expect(v).toBeCloseTo(expected[i]![j]!, 4)));
  });
});

/** The untrained model of a run with this seed. */
function lenetWithSeed(seed: number): Sequential {
  manualSeed(seed);
  return lenet();
}

/** A Python that can `import torch` (`$TORCHLET_PYTHON`, `python3`, or Debian's `/usr/bin/python3`), or null. */
const torchPython: string | null =
  [process.env['TORCHLET_PYTHON'], 'python3', '/usr/bin/python3'].find(
    (python): python is string => python !== undefined && spawnSync(python, ['-c', 'import torch'], { stdio: 'ignore' }).status === 0,
  ) ?? null;
