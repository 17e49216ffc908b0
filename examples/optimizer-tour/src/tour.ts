import {
  Adadelta,
  loadCheckpoint,
  saveCheckpoint,
  Adagrad,
  Adam,
  Adamax,
  AdamW,
  ASGD,
  functional as F,
  LBFGS,
  manualSeed,
  NAdam,
  ones,
  type Optimizer,
  Parameter,
  RAdam,
  randn,
  RawTensor,
  RMSprop,
  Rprop,
  SGD,
  SparseAdam,
  type Tensor,
  tensor,
} from '@torchlet/serialize';

/** One step of the tour: a heading and what it printed. */
export interface TourStep {
  title: string;
  lines: string[];
}

/**
 * A value as PyTorch's `print` shows a dict or list, in JavaScript spelling: `{lr: 0.1, params: [0]}`,
 * tensors as they print themselves (multi-line, as in PyTorch).
 */
export function format(value: unknown): string {
  if (value instanceof RawTensor) return String(value);
  if (Array.isArray(value)) return `[${value.map(format).join(', ')}]`;
  if (value !== null && typeof value === 'object') {
    return `{${Object.entries(value).map(([key, v]) => `${key}: ${format(v)}`).join(', ')}}`;
  }
  return String(value);
}

/**
 * The first steps of the tutorial: one SGD step, identity of the parameters, zeroGrad, a second
 * group. Returns the printed steps and the objects they printed.
 */
export function basics(): { steps: TourStep[]; weight: Parameter; weight2: Parameter; optimizer: SGD } {
  const steps: TourStep[] = [];
  const weight = new Parameter(ones(2, 2));
  weight.grad = ones(2, 2);
  steps.push({ title: 'weight = new Parameter(ones(2, 2)); weight.grad = ones(2, 2)', lines: [String(weight)] });

  const optimizer = new SGD([weight], { lr: 1 });
  optimizer.step();
  steps.push({ title: 'new SGD([weight], { lr: 1 }).step() subtracts lr · grad = 1', lines: [String(weight)] });
  steps.push({
    title: 'the param group holds the very tensor: optimizer.paramGroups[0].params[0] === weight',
    lines: [String(optimizer.paramGroups[0]!.params[0] === weight)],
  });

  optimizer.zeroGrad();
  steps.push({ title: 'optimizer.zeroGrad() sets the gradient to null', lines: [String(weight.grad)] });

  const weight2 = new Parameter(ones(3, 3));
  optimizer.addParamGroup({ params: [weight2], lr: 0.0001 });
  steps.push({
    title: 'optimizer.addParamGroup({ params: [weight2], lr: 0.0001 }); print the groups (missing options come from the defaults)',
    lines: [`[${optimizer.paramGroups.map(format).join(',\n ')}]`],
  });
  return { steps, weight, weight2, optimizer };
}

/**
 * A step of SGD with momentum, then its state saved with `saveCheckpoint` (a `.pt` file's bytes,
 * which `torch.load` reads) and restored into a fresh `SGD({ lr: 0.2 })` with `loadCheckpoint`.
 */
export function stateDictRoundTrip(): { steps: TourStep[]; loadedLr: number; loadedMomentum: number; sameNextStep: boolean } {
  const weight = new Parameter(tensor([[1, 2], [3, 4]], { dtype: 'float32' }));
  const optimizer = new SGD([weight], { lr: 0.1, momentum: 0.9 });
  weight.grad = ones(2, 2);
  optimizer.step();
  // The state dict holds the live buffers (as in PyTorch), so print and save it now, before they move on.
  const printed = format(optimizer.stateDict());
  const saved = saveCheckpoint({ optimizer, epoch: 1 });

  // The same weight values in a new optimizer whose lr differs: loading wins over the constructor.
  const copy = new Parameter(weight.detach().clone());
  const fresh = new SGD([copy], { lr: 0.2 });
  const { epoch } = loadCheckpoint(saved, { optimizer: fresh });
  const loadedLr = fresh.paramGroups[0]!.lr;
  const loadedMomentum = fresh.paramGroups[0]!.momentum;

  // Both continue with the same momentum buffer, so one more step agrees to the last bit.
  weight.grad = ones(2, 2);
  copy.grad = ones(2, 2);
  optimizer.step();
  fresh.step();
  const sameNextStep = weight.tolist().toString() === copy.tolist().toString();

  const steps: TourStep[] = [
    { title: 'new SGD([weight], { lr: 0.1, momentum: 0.9 }), one step; optimizer.stateDict()', lines: [printed] },
    { title: 'saveCheckpoint({ optimizer, epoch: 1 }): the bytes of a .pt file torch.load reads', lines: [`${saved.length} bytes, starting ${JSON.stringify(String.fromCharCode(...saved.subarray(0, 2)))} (a zip archive); loadCheckpoint gives back epoch ${String(epoch)}`] },
    {
      title: 'loaded into new SGD([copy], { lr: 0.2 }): the saved options win',
      lines: [`fresh.paramGroups[0].lr = ${loadedLr}, momentum = ${loadedMomentum}`, `next step agrees with the original optimizer: ${sameNextStep}`],
    },
  ];
  return { steps, loadedLr, loadedMomentum, sameNextStep };
}

/** SGD with momentum 0.9 and lr 0.1 on one weight whose gradient is always 1: v ← m·v + g, p ← p − lr·v. */
export function momentumTrace(count = 3): { lines: string[]; buffers: number[]; weights: number[] } {
  const [lr, m] = [0.1, 0.9];
  const weight = new Parameter(tensor([1], { dtype: 'float32' }));
  const optimizer = new SGD([weight], { lr, momentum: m });
  const lines: string[] = [];
  const [buffers, weights] = [[] as number[], [] as number[]];
  let [v, p] = [0, 1];
  for (let t = 1; t <= count; t++) {
    weight.grad = ones(1);
    optimizer.step();
    const byHand = t === 1 ? `v = g = 1 (the first step starts the buffer at g)` : `v = ${m}·${round(v)} + 1 = ${round(m * v + 1)}`;
    v = t === 1 ? 1 : m * v + 1;
    lines.push(`step ${t}: ${byHand}, p = ${round(p)} − ${lr}·${round(v)} = ${round(p - lr * v)}`);
    p -= lr * v;
    const buffer = optimizer.state.get(weight)!['momentum_buffer'] as Tensor;
    lines.push(`        optimizer: momentum_buffer = ${String(buffer)}, weight = ${String(weight.detach())}`);
    buffers.push(Number(buffer.item()));
    weights.push(Number(weight.item()));
  }
  return { lines, buffers, weights };
}

/** Weight decay as an L2 term: `weightDecay: wd` adds wd·p to the gradient, the gradient of (wd/2)·‖p‖². */
export function weightDecayDemo(): { lines: string[]; decayed: number[]; penalized: number[] } {
  const [lr, wd] = [0.1, 0.5];
  const start = tensor([1, -2], { dtype: 'float32' });

  const a = new Parameter(start.clone());
  a.grad = ones(2);
  new SGD([a], { lr, weightDecay: wd }).step();

  // The same step with the penalty written into the loss and no weightDecay option.
  const b = new Parameter(start.clone());
  b.sum().add(b.pow(2).sum().mul(wd / 2)).backward();
  new SGD([b], { lr }).step();

  const lines = [
    `p = [1, -2], g = [1, 1], lr = ${lr}, weightDecay = ${wd}`,
    `by hand: g + wd·p = [1 + 0.5·1, 1 + 0.5·(−2)] = [1.5, 0];  p − lr·(g + wd·p) = [0.85, -2]`,
    `new SGD([p], { lr: 0.1, weightDecay: 0.5 }).step()  → ${String(a.detach())}`,
    `loss = p.sum() + 0.25·‖p‖², plain SGD step        → ${String(b.detach())}`,
  ];
  return { lines, decayed: a.tolist() as number[], penalized: b.tolist() as number[] };
}

/** Each optimizer the tutorial names, its options for the comparison and whether it needs sparse gradients. */
const OPTIMIZERS: { name: string; options: string; make: (params: Tensor[]) => Optimizer; sparse?: boolean }[] = [
  { name: 'SGD', options: '{ lr: 0.1, momentum: 0.9 }', make: (ps) => new SGD(ps, { lr: 0.1, momentum: 0.9 }) },
  { name: 'Adagrad', options: '{ lr: 0.1 }', make: (ps) => new Adagrad(ps, { lr: 0.1 }) },
  { name: 'RMSprop', options: '{ lr: 0.01 }', make: (ps) => new RMSprop(ps, { lr: 0.01 }) },
  { name: 'Adadelta', options: '{ lr: 1 } (default)', make: (ps) => new Adadelta(ps) },
  { name: 'Adam', options: '{ lr: 0.1 }', make: (ps) => new Adam(ps, { lr: 0.1 }) },
  { name: 'AdamW', options: '{ lr: 0.1 }', make: (ps) => new AdamW(ps, { lr: 0.1 }) },
  { name: 'Adamax', options: '{ lr: 0.1 }', make: (ps) => new Adamax(ps, { lr: 0.1 }) },
  { name: 'ASGD', options: '{ lr: 0.1 }', make: (ps) => new ASGD(ps, { lr: 0.1 }) },
  { name: 'Rprop', options: '{ lr: 0.01 } (default)', make: (ps) => new Rprop(ps) },
  { name: 'LBFGS', options: '{ lr: 1 } (default), step(closure)', make: (ps) => new LBFGS(ps) },
  { name: 'NAdam', options: '{ lr: 0.1 }', make: (ps) => new NAdam(ps, { lr: 0.1 }) },
  { name: 'RAdam', options: '{ lr: 0.1 }', make: (ps) => new RAdam(ps, { lr: 0.1 }) },
  { name: 'SparseAdam', options: '{ lr: 0.1 }, embedding(…, { sparse: true })', make: (ps) => new SparseAdam(ps, { lr: 0.1 }), sparse: true },
];

/** What {@link compareOptimizers} reports for one optimizer. */
export interface Comparison {
  name: string;
  options: string;
  before: number;
  after: number;
}

/**
 * The shared problem: a 5×2 embedding table (seeded randn) whose rows 0, 2 and 3 are looked up and
 * should match targets by mean squared error. Rows 1 and 4 get no gradient, which is what a
 * sparse gradient (and SparseAdam) is for.
 */
export function compareOptimizers(steps = 10): Comparison[] {
  manualSeed(0);
  const table = randn(5, 2);
  const ids = tensor([0, 2, 3, 2], { dtype: 'int64' });
  const target = tensor([[1, 0], [0, 1], [-1, 0], [0, 1]], { dtype: 'float32' });
  return OPTIMIZERS.map(({ name, options, make, sparse = false }) => {
    const weight = new Parameter(table.clone());
    const optimizer = make([weight]);
    const closure = () => {
      optimizer.zeroGrad();
      const loss = F.mseLoss(F.embedding(ids, weight, { sparse }), target);
      loss.backward();
      return loss;
    };
    const before = Number(closure().item());
    for (let i = 0; i < steps; i++) {
      if (optimizer instanceof LBFGS) optimizer.step(closure);
      else {
        closure();
        optimizer.step();
      }
    }
    const after = Number(F.mseLoss(F.embedding(ids, weight), target).item());
    return { name, options, before, after };
  });
}

/** The whole tour, step by step. */
export function tour(): TourStep[] {
  const steps = [...basics().steps, ...stateDictRoundTrip().steps];
  steps.push({ title: 'momentum: v ← m·v + g, then p ← p − lr·v (lr 0.1, m 0.9, g = 1 every step)', lines: momentumTrace().lines });
  steps.push({ title: 'weight decay is an L2 term: g ← g + wd·p', lines: weightDecayDemo().lines });
  const comparisons = compareOptimizers();
  steps.push({
    title: 'every optimizer, 10 steps on the same problem (an embedding table fit by MSE)',
    lines: comparisons.map((c) => `${c.name.padEnd(10)}  loss ${c.before.toFixed(4)} → ${c.after.toFixed(4)}   ${c.options}`),
  });
  return steps;
}

/** A number rounded for reading (float32 steps leave 1.9000000476837158 behind). */
function round(x: number): number {
  return Number(x.toFixed(6));
}
