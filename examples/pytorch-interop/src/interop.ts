import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  Adam,
  BatchNorm2d,
  Conv2d,
  Flatten,
  functional as F,
  Generator,
  Linear,
  load,
  noGrad,
  randn,
  ReLU,
  Sequential,
  type StateDict,
  type Tensor,
  tensor,
} from '@torchlet/serialize';
import { saveFile, saveSafetensorsFile } from '@torchlet/serialize/node';

/** The folder holding PyTorch's files: model_state.pt and the matching inputs and outputs. */
export const dataDir = fileURLToPath(new URL('../data/', import.meta.url));

/** A tensor as PyTorch's fixtures write it to JSON. */
export interface TensorRecord {
  shape: number[];
  dtype: string;
  data: number[];
}

/** The fixture's inputs and PyTorch's outputs for them, from data/model_state.json. */
export interface EvalRecord {
  about: string;
  eval_input: TensorRecord;
  eval_output: TensorRecord;
}

/** Rebuilds a float32 tensor from its JSON record. */
export function fromRecord(record: TensorRecord): Tensor {
  return tensor(record.data, { dtype: 'float32' }).reshape(record.shape);
}

/**
 * The model PyTorch trained for data/model_state.pt, layer for layer:
 * `nn.Sequential(nn.Conv2d(1, 2, 3), nn.BatchNorm2d(2), nn.ReLU(), nn.Flatten(), nn.Linear(32, 3))`.
 * Same layers, same order, so the same state-dict keys (`0.weight`, `1.running_mean`, `4.bias`, …).
 */
export function makeModel(): Sequential {
  return new Sequential(new Conv2d(1, 2, 3), new BatchNorm2d(2), new ReLU(), new Flatten(), new Linear(32, 3));
}

/** Builds the model and loads PyTorch's `torch.save(model.state_dict())` bytes into it. */
export function loadModel(ptBytes: Uint8Array): Sequential {
  const model = makeModel();
  model.loadStateDict(load(ptBytes) as StateDict);
  return model;
}

/** The model's outputs in eval mode (BatchNorm uses its running statistics), without recording gradients. */
export function predict(model: Sequential, x: Tensor): Tensor {
  model.eval();
  return noGrad(() => model.call(x) as Tensor);
}

/**
 * Synthetic 6×6 one-channel images in three classes: the label is the band of rows (0–1, 2–3 or
 * 4–5) with the largest sum. Drawn from a seeded generator, so every run sees the same data.
 */
export function makeImages(count: number, seed: number): { x: Tensor; y: Tensor } {
  const x = randn([count, 1, 6, 6], { generator: new Generator(seed) });
  const y = x.reshape(count, 3, 12).sum(2).argmax(1);
  return { x, y };
}

/** Fine-tunes in train mode with Adam and cross-entropy, full batch; returns the loss of every step. */
export function fineTune(model: Sequential, data: { x: Tensor; y: Tensor }, options: { steps?: number; lr?: number } = {}): number[] {
  const { steps = 30, lr = 0.01 } = options;
  const optimizer = new Adam(model.parameters(), { lr });
  const losses: number[] = [];
  model.train();
  for (let i = 0; i < steps; i++) {
    optimizer.zeroGrad();
    const loss = F.crossEntropy(model.call(data.x) as Tensor, data.y);
    loss.backward();
    optimizer.step();
    losses.push(Number(loss.item()));
  }
  model.eval();
  return losses;
}

/** What {@link runInterop} found and wrote. */
export interface InteropResult {
  model: Sequential;
  /** Largest |torchlet − PyTorch| over the fixture's eval outputs. */
  maxDifference: number;
  /** The fine-tuning loss of every step. */
  losses: number[];
  /** The fine-tuned state dict as `.pt` (for `torch.load`) and `.safetensors` (for `safetensors.torch.load_file`). */
  ptPath: string;
  safetensorsPath: string;
}

/**
 * The whole round trip: load PyTorch's `data/model_state.pt` into torchlet, compare the eval
 * outputs with PyTorch's, fine-tune on synthetic images, and write the weights to `outDir` as
 * `finetuned.pt` and `finetuned.safetensors` (atomically).
 */
export async function runInterop(options: { outDir: string; steps?: number; log?: (line: string) => void }): Promise<InteropResult> {
  const { outDir, steps = 30, log = () => {} } = options;
  const expected = JSON.parse(await readFile(join(dataDir, 'model_state.json'), 'utf8')) as EvalRecord;

  // PyTorch → torchlet: the state dict PyTorch saved, loaded into the same architecture.
  const model = loadModel(await readFile(join(dataDir, 'model_state.pt')));
  const output = predict(model, fromRecord(expected.eval_input));
  const maxDifference = Number(output.sub(fromRecord(expected.eval_output)).abs().max().item());
  log(`loaded data/model_state.pt: ${expected.about}`);
  log(`eval outputs match PyTorch's: largest difference ${maxDifference.toExponential(2)}`);

  const losses = fineTune(model, makeImages(64, 0), { steps });
  log(`fine-tuned ${steps} Adam steps: loss ${losses[0]!.toFixed(4)} -> ${losses[losses.length - 1]!.toFixed(4)}`);

  // torchlet → PyTorch, in both formats.
  await mkdir(outDir, { recursive: true });
  const ptPath = join(outDir, 'finetuned.pt');
  const safetensorsPath = join(outDir, 'finetuned.safetensors');
  await saveFile(model.stateDict(), ptPath);
  await saveSafetensorsFile(model.stateDict(), safetensorsPath, { format: 'pt' });
  log(`wrote ${ptPath} and ${safetensorsPath}`);
  return { model, maxDifference, losses, ptPath, safetensorsPath };
}
