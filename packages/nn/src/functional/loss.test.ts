import { DTypeError, IndexError, InvalidArgumentError, noGrad, ShapeError, type Tensor, log, logSoftmax, tensor } from '@torchlet/autograd';
import { assertClose, gradcheck, gradgradcheck } from '@torchlet/autograd/testing';
import { describe, expect, it } from 'vitest';
import {
  binaryCrossEntropy,
  binaryCrossEntropyWithLogits,
  crossEntropy,
  huberLoss,
  klDiv,
  l1Loss,
  mseLoss,
  nllLoss,
  type Reduction,
  smoothL1Loss,
} from './loss.js';

// Expected values are PyTorch 1.13's, computed in float64 on these inputs.
const f64 = (data: number[], shape: number[] = [data.length], requiresGrad = false): Tensor => tensor(data, { dtype: 'float64', requiresGrad }).reshape(shape).detach().requiresGrad_(requiresGrad);
const expectValues = (actual: Tensor, data: number[], shape: number[]): void => assertClose(actual, f64(data, shape), { rtol: 1e-10, atol: 1e-12 });

const x = (requiresGrad = false) => f64([0.5, -1.0, 2.0, 1.5, 0.25, -0.75], [2, 3], requiresGrad);
const y = (requiresGrad = false) => f64([0.0, 1.0, 1.0, -1.0, 0.5, 0.5], [2, 3], requiresGrad);
const reductions: Reduction[] = ['none', 'mean', 'sum'];

/** Logits [3, 4] and class weights shared by the NLL and cross-entropy tests. */
const logits = (requiresGrad = false) => f64([0.2, -1.0, 0.5, 1.5, 1.0, 0.3, -0.2, 0.0, -0.5, 2.0, 0.1, 0.4], [3, 4], requiresGrad);
const classWeight = f64([1.0, 2.0, 0.5, 3.0]);
const targets = tensor([3, 0, -100], { dtype: 'int64' });

describe('mseLoss', () => {
  const expected = { none: [0.25, 4.0, 1.0, 6.25, 0.0625, 1.5625], mean: [2.1875], sum: [13.125] };
  for (const reduction of reductions) {
    it(`matches PyTorch with reduction '${reduction}'`, () => {
      expectValues(mseLoss(x(), y(), { reduction }), expected[reduction], reduction === 'none' ? [2, 3] : []);
    });
  }
  it('defaults to the mean', () => expect(mseLoss(x(), y()).item()).toBeCloseTo(2.1875, 12));
  it('broadcasts the target', () => expect(mseLoss(f64([1, 2]), f64([0])).item()).toBe(2.5));
  it('passes gradcheck for input and target', () => expect(gradcheck((a, b) => mseLoss(a, b, { reduction: 'none' }), [x(true), y(true)])).toBe(true));
  it('rejects an unknown reduction', () => expect(() => mseLoss(x(), y(), { reduction: 'avg' as Reduction })).toThrow(/mseLoss: avg is not a valid value for reduction/));
});

describe('l1Loss', () => {
  const expected = { none: [0.5, 2.0, 1.0, 2.5, 0.25, 1.25], mean: [1.25], sum: [7.5] };
  for (const reduction of reductions) {
    it(`matches PyTorch with reduction '${reduction}'`, () => {
      expectValues(l1Loss(x(), y(), { reduction }), expected[reduction], reduction === 'none' ? [2, 3] : []);
    });
  }
  it('passes gradcheck', () => expect(gradcheck((a, b) => l1Loss(a, b), [x(true), y(true)])).toBe(true));
  it('rejects an unknown reduction', () => expect(() => l1Loss(x(), y(), { reduction: 'avg' as Reduction })).toThrow(InvalidArgumentError));
});

describe('smoothL1Loss', () => {
  const expected = { none: [0.25, 1.75, 0.75, 2.25, 0.0625, 1.0], mean: [1.0104166666666667], sum: [6.0625] };
  for (const reduction of reductions) {
    it(`matches PyTorch with beta 0.5 and reduction '${reduction}'`, () => {
      expectValues(smoothL1Loss(x(), y(), { reduction, beta: 0.5 }), expected[reduction], reduction === 'none' ? [2, 3] : []);
    });
  }
  it('is the L1 loss when beta is 0', () => expectValues(smoothL1Loss(x(), y(), { beta: 0 }), [1.25], []));
  it('gives d/β inside and sign(d) outside the quadratic zone', () => {
    const input = f64([0.2, 3], [2], true);
    smoothL1Loss(input, f64([0, 0]), { reduction: 'sum' }).backward();
    expectValues(input.grad!, [0.2, 1], [2]);
  });
  it('passes gradcheck', () => expect(gradcheck((a, b) => smoothL1Loss(a, b, { beta: 0.5, reduction: 'none' }), [x(true), y(true)])).toBe(true));
  it('rejects a negative beta', () => expect(() => smoothL1Loss(x(), y(), { beta: -1 })).toThrow(/does not support negative values for beta \(got beta=-1\)/));
});

describe('huberLoss', () => {
  const expected = { none: [0.125, 1.155, 0.455, 1.505, 0.03125, 0.63], mean: [0.6502083333333333], sum: [3.90125] };
  for (const reduction of reductions) {
    it(`matches PyTorch with delta 0.7 and reduction '${reduction}'`, () => {
      expectValues(huberLoss(x(), y(), { reduction, delta: 0.7 }), expected[reduction], reduction === 'none' ? [2, 3] : []);
    });
  }
  it('passes gradcheck', () => expect(gradcheck((a, b) => huberLoss(a, b, { delta: 0.7, reduction: 'none' }), [x(true), y(true)])).toBe(true));
  it('rejects a non-positive delta', () => expect(() => huberLoss(x(), y(), { delta: 0 })).toThrow(/does not support non-positive values for delta \(got delta=0\)/));
});

describe('nllLoss', () => {
  const expected = { none: [1.6313236105998756, 0.7727246832155068, 0.0], mean: [0.6010120734538456], sum: [2.404048293815382] };
  for (const reduction of reductions) {
    it(`matches PyTorch with class weights, an ignored target and reduction '${reduction}'`, () => {
      const loss = nllLoss(logSoftmax(logits(), 1), targets, { weight: classWeight, reduction });
      expectValues(loss, expected[reduction], reduction === 'none' ? [3] : []);
    });
  }
  it('takes an unbatched [C] input with a 0-D target', () => {
    expectValues(nllLoss(logSoftmax(logits(), 1).select(0, 0), tensor(2, { dtype: 'int64' })), [1.5437745368666254], []);
    expect(nllLoss(logSoftmax(logits(), 1).select(0, 0), tensor(2, { dtype: 'int64' }), { reduction: 'none' }).shape).toEqual([]);
  });
  it('gives NaN for the mean when every target is ignored', () => {
    expect(Number.isNaN(nllLoss(logSoftmax(logits(), 1), tensor([-100, -100, -100], { dtype: 'int64' })).item())).toBe(true);
  });
  it('keeps -inf log-probabilities of ignored rows out of the loss', () => {
    const input = f64([-Infinity, -Infinity, -0.1, -2.4], [2, 2]);
    expectValues(nllLoss(input, tensor([0, 1], { dtype: 'int64' }), { ignoreIndex: 0 }), [2.4], []);
  });
  it('passes gradcheck with weights and an ignored target', () => {
    expect(gradcheck((a) => nllLoss(a, targets, { weight: classWeight }), [logits(true)])).toBe(true);
  });
  it('rejects a target out of bounds', () => expect(() => nllLoss(logits(), tensor([4, 0, 1], { dtype: 'int64' }))).toThrow(IndexError));
  it('rejects a negative target other than ignoreIndex', () => expect(() => nllLoss(logits(), tensor([-1, 0, 1], { dtype: 'int64' }))).toThrow(/Target -1 is out of bounds/));
  it('rejects a batch-size mismatch', () => expect(() => nllLoss(logits(), tensor([0, 1], { dtype: 'int64' }))).toThrow(/Expected input batch_size \(3\) to match target batch_size \(2\)/));
  it('rejects a target of the wrong spatial shape', () => {
    expect(() => nllLoss(f64(new Array(12).fill(0), [1, 3, 2, 2]), tensor([[0, 1, 2]], { dtype: 'int64' }))).toThrow(/Expected target size \[1, 2, 2\], got \[1, 3\]/);
  });
  it('rejects a weight not of shape [C]', () => expect(() => nllLoss(logits(), targets, { weight: f64([1, 2]) })).toThrow(/defined either for all 4 classes or no classes but got weight tensor of shape: \[2\]/));
  it('rejects a float target', () => expect(() => nllLoss(logits(), f64([0, 1, 2]))).toThrow(DTypeError));
  it('rejects a 0-D input', () => expect(() => nllLoss(f64([1], []), tensor(0, { dtype: 'int64' }))).toThrow(/Expected 1 or more dimensions \(got 0\)/));
  it('rejects a 1-D target for an unbatched input', () => expect(() => nllLoss(f64([0, 0]), tensor([0], { dtype: 'int64' }))).toThrow(ShapeError));
});

describe('crossEntropy', () => {
  const smoothedWeighted = { none: [1.8217856129615537, 1.1193152686174452, 0.0], mean: [0.7352752203947497], sum: [2.9411008815789987] };
  for (const reduction of reductions) {
    it(`matches PyTorch with weights, ignoreIndex and label smoothing, reduction '${reduction}'`, () => {
      const loss = crossEntropy(logits(), targets, { weight: classWeight, labelSmoothing: 0.2, reduction });
      expectValues(loss, smoothedWeighted[reduction], reduction === 'none' ? [3] : []);
    });
  }
  const smoothed = { none: [0.9037745368666252, 0.9902246832155067, 0.8101539801567557], mean: [0.9013844000796292], sum: [2.7041532002388875] };
  for (const reduction of reductions) {
    it(`matches PyTorch with label smoothing 0.3, reduction '${reduction}'`, () => {
      expectValues(crossEntropy(logits(), tensor([3, 0, 1], { dtype: 'int64' }), { labelSmoothing: 0.3, reduction }), smoothed[reduction], reduction === 'none' ? [3] : []);
    });
  }
  it('is nllLoss of logSoftmax without smoothing', () => {
    const t = tensor([3, 0, 1], { dtype: 'int64' });
    assertClose(crossEntropy(logits(), t, { weight: classWeight }), nllLoss(logSoftmax(logits(), 1), t, { weight: classWeight }));
  });
  it('takes an unbatched [C] input', () => expectValues(crossEntropy(logits().select(0, 0), tensor(2, { dtype: 'int64' })), [1.5437745368666254], []));

  const spatial = () => f64([0.1, 0.2, 0.3, -0.4, 1.0, -1.0, 0.5, 0.0, -0.3, 0.7, 0.2, 0.9], [1, 3, 2, 2]);
  const spatialTargets = tensor([[[0, 2], [1, -100]]], { dtype: 'int64' });
  it('takes [N, C, d1, d2] inputs with [N, d1, d2] targets', () => {
    expectValues(crossEntropy(spatial(), spatialTargets, { reduction: 'none' }), [1.4182588007932106, 0.5817765199793885, 0.93983106084446, 0.0], [1, 2, 2]);
    expectValues(crossEntropy(spatial(), spatialTargets, { weight: f64([1, 2, 3]) }), [0.8405417470700494], []);
  });

  const probabilities = f64([0.1, 0.2, 0.3, 0.4, 1.0, 0, 0, 0, 0.25, 0.25, 0.25, 0.25], [3, 4]);
  const soft = { none: [1.4737745368666253, 0.7727246832155068, 1.8601539801567557], mean: [1.3688844000796292], sum: [4.106653200238887] };
  const softWeighted = { none: [2.315747966123758, 0.946019975916476, 2.647750217754728], mean: [1.9698393865983206], sum: [5.9095181597949615] };
  for (const reduction of reductions) {
    it(`matches PyTorch with probability targets, reduction '${reduction}'`, () => {
      expectValues(crossEntropy(logits(), probabilities, { reduction }), soft[reduction], reduction === 'none' ? [3] : []);
      expectValues(crossEntropy(logits(), probabilities, { reduction, weight: classWeight, labelSmoothing: 0.1 }), softWeighted[reduction], reduction === 'none' ? [3] : []);
    });
  }
  it('takes [N, C, d1, d2] probability targets', () => {
    const target = noGrad(() => spatial().mul(2).softmax(1));
    expectValues(crossEntropy(spatial(), target), [0.8150771666592501], []);
  });
  it('passes gradcheck with weights, ignoreIndex and label smoothing', () => {
    expect(gradcheck((a) => crossEntropy(a, targets, { weight: classWeight, labelSmoothing: 0.2 }), [logits(true)])).toBe(true);
  });
  it('passes gradcheck for probability targets, with respect to both inputs', () => {
    expect(gradcheck((a, b) => crossEntropy(a, b, { labelSmoothing: 0.1, reduction: 'none' }), [logits(true), probabilities.detach().requiresGrad_()])).toBe(true);
  });
  it('is twice differentiable (gradgradcheck)', () => {
    expect(gradgradcheck((a) => crossEntropy(a, targets, { weight: classWeight, labelSmoothing: 0.2 }), [logits(true)])).toBe(true);
  });
  it('rejects label smoothing outside [0, 1]', () => {
    expect(() => crossEntropy(logits(), targets, { labelSmoothing: 1.5 })).toThrow(/label_smoothing must be between 0.0 and 1.0. Got: 1.5/);
  });
  it('rejects integer targets of the input shape', () => {
    expect(() => crossEntropy(logits(), tensor([[0, 1, 0, 1], [0, 0, 0, 1], [1, 0, 0, 0]], { dtype: 'int64' }))).toThrow(/Expected floating point type for target with class probabilities, got int64/);
  });
  it('rejects a non-negative ignoreIndex with probability targets', () => {
    expect(() => crossEntropy(logits(), probabilities, { ignoreIndex: 0 })).toThrow(/ignore_index is not supported for floating point target/);
  });
  it('rejects a 0-D input', () => expect(() => crossEntropy(f64([1], []), tensor(0, { dtype: 'int64' }))).toThrow(/crossEntropy: Expected 1 or more dimensions/));
  it('rejects an unknown reduction', () => expect(() => crossEntropy(logits(), targets, { reduction: 'batchmean' as Reduction })).toThrow(/batchmean is not a valid value/));
});

describe('binaryCrossEntropy', () => {
  const p = (requiresGrad = false) => f64([0.1, 0.9, 0.5, 0.3, 0.0, 1.0], [2, 3], requiresGrad);
  const t = (requiresGrad = false) => f64([0.0, 1.0, 0.2, 1.0, 1.0, 0.0], [2, 3], requiresGrad);
  const weight = f64([1.0, 2.0, 0.5]);
  const expected = { none: [0.10536051565782628, 0.21072103131565256, 0.34657359027997264, 1.2039728043259361, 200.0, 50.0], mean: [41.97777132359656], sum: [251.86662794157937] };
  for (const reduction of reductions) {
    it(`matches PyTorch with a broadcast weight and reduction '${reduction}' (log clamped at -100)`, () => {
      expectValues(binaryCrossEntropy(p(), t(), { weight, reduction }), expected[reduction], reduction === 'none' ? [2, 3] : []);
    });
  }
  it("gives PyTorch's gradients, finite at probabilities 0 and 1", () => {
    const [input, target] = [p(true), t(true)];
    binaryCrossEntropy(input, target).backward();
    assertClose(input.grad!, f64([0.18518518518518515, -0.1851851851851852, 0.19999999999999998, -0.5555555555555555, -166666667332.63382, 166666667332.63382], [2, 3]));
    assertClose(target.grad!, f64([0.36620409622270317, -0.3662040962227033, 0.0, 0.14121631006453395, Infinity, -Infinity], [2, 3]));
  });
  it('agrees with the composed formula inside (0, 1)', () => {
    const [a, b] = [f64([0.1, 0.9, 0.5, 0.3], [4], true), f64([0.1, 0.9, 0.5, 0.3], [4], true)];
    const target = f64([0, 1, 0.2, 0.7]);
    binaryCrossEntropy(a, target, { reduction: 'sum' }).backward();
    log(b).mul(target).add(log(b.neg().add(1)).mul(target.neg().add(1))).neg().sum().backward();
    assertClose(a.grad!, b.grad!, { rtol: 1e-12 });
  });
  it('passes gradcheck for input and target', () => {
    expect(gradcheck((a, b) => binaryCrossEntropy(a, b, { weight, reduction: 'none' }), [f64([0.1, 0.9, 0.5, 0.3, 0.6, 0.8], [2, 3], true), t(true)])).toBe(true);
  });
  it('has a differentiable fused backward (gradgradcheck)', () => {
    expect(gradgradcheck((a, b) => binaryCrossEntropy(a, b, { reduction: 'sum' }), [f64([0.1, 0.9, 0.5, 0.3], [4], true), f64([0, 1, 0.2, 0.7], [4], true)])).toBe(true);
  });
  it('rejects a target of another shape', () => {
    expect(() => binaryCrossEntropy(p(), f64([0, 1, 0]))).toThrow(/Using a target size \(\[3\]\) that is different to the input size \(\[2, 3\]\)/);
  });
  it('rejects inputs outside [0, 1]', () => expect(() => binaryCrossEntropy(f64([1.5]), f64([1]))).toThrow(/all elements of input should be between 0 and 1 \(found 1.5\)/));
  it('rejects a weight that does not broadcast to the input', () => expect(() => binaryCrossEntropy(p(), t(), { weight: f64([1, 2]) })).toThrow(ShapeError));
});

describe('binaryCrossEntropyWithLogits', () => {
  const z = (requiresGrad = false) => f64([-2.0, 0.0, 3.0, 100.0, -100.0, 0.5], [2, 3], requiresGrad);
  const t = (requiresGrad = false) => f64([0.0, 1.0, 0.2, 1.0, 1.0, 0.0], [2, 3], requiresGrad);
  const weight = f64([1.0, 2.0, 0.5]);
  const posWeight = f64([2.0, 0.5, 1.0]);
  const expected = { none: [0.1269280110429727, 0.6931471805599453, 1.2242936757868712, 0.0, 100.0, 0.48703849209005334], mean: [17.08856789324664], sum: [102.53140735947984] };
  for (const reduction of reductions) {
    it(`matches PyTorch with weight, posWeight and reduction '${reduction}', stable at ±100`, () => {
      expectValues(binaryCrossEntropyWithLogits(z(), t(), { weight, posWeight, reduction }), expected[reduction], reduction === 'none' ? [2, 3] : []);
    });
  }
  it('matches PyTorch without weights', () => expectValues(binaryCrossEntropyWithLogits(z(), t()), [17.37378992122613], []));
  it('has gradient σ(x) − t without weights', () => {
    const input = z(true);
    binaryCrossEntropyWithLogits(input, t(), { reduction: 'sum' }).backward();
    assertClose(input.grad!, input.detach().sigmoid().sub(t()), { rtol: 1e-12, atol: 1e-15 });
  });
  it('passes gradcheck for input and target', () => {
    expect(gradcheck((a, b) => binaryCrossEntropyWithLogits(a, b, { weight, posWeight, reduction: 'none' }), [f64([-2, 0.1, 3, 1, -1, 0.5], [2, 3], true), t(true)])).toBe(true);
  });
  it('rejects a target of another shape', () => expect(() => binaryCrossEntropyWithLogits(z(), f64([0]))).toThrow(/Target size \(\[1\]\) must be the same as input size \(\[2, 3\]\)/));
  it('rejects a posWeight that does not broadcast', () => expect(() => binaryCrossEntropyWithLogits(z(), t(), { posWeight: f64([1, 2]) })).toThrow(/posWeight of shape \[2\]/));
});

describe('klDiv', () => {
  const input = (requiresGrad = false) => logSoftmax(f64([0.1, 0.5, -0.2, 1.0, 0.0, 0.3], [2, 3]), 1).detach().requiresGrad_(requiresGrad);
  const target = (requiresGrad = false) => f64([0.2, 0.5, 0.3, 0.0, 0.6, 0.4], [2, 3], requiresGrad);
  const expected = { none: [-0.08722757376186177, 0.040076431532423185, 0.08079817178965665, 0.0, 0.6672890328704892, 0.16267331200372714], mean: [0.1439348957390724], sum: [0.8636093744344344], batchmean: [0.4318046872172172] };
  const expectedLog = { none: [-0.0092018282103433, 0.15748465191528055, 0.22280372470025467, -0.16796110811105727, 0.8864093475613183, 0.31491341566176373], mean: [0.23407470058620283], sum: [1.404448203517217], batchmean: [0.7022241017586085] };
  for (const reduction of ['none', 'mean', 'sum', 'batchmean'] as const) {
    it(`matches PyTorch with reduction '${reduction}' (0 where the target is 0)`, () => {
      expectValues(klDiv(input(), target(), { reduction }), expected[reduction], reduction === 'none' ? [2, 3] : []);
    });
    it(`matches PyTorch with logTarget and reduction '${reduction}'`, () => {
      expectValues(klDiv(input(), log(target().add(0.1)), { reduction, logTarget: true }), expectedLog[reduction], reduction === 'none' ? [2, 3] : []);
    });
  }
  it('passes gradcheck for input and target', () => {
    expect(gradcheck((a, b) => klDiv(a, b, { reduction: 'none' }), [input(true), f64([0.2, 0.5, 0.3, 0.1, 0.6, 0.4], [2, 3], true)])).toBe(true);
    expect(gradcheck((a, b) => klDiv(a, b, { reduction: 'batchmean', logTarget: true }), [input(true), target(true)])).toBe(true);
  });
  it('rejects an unknown reduction', () => expect(() => klDiv(input(), target(), { reduction: 'avg' as Reduction })).toThrow(/klDiv: avg is not a valid value for reduction \(expected 'none', 'mean', 'sum', 'batchmean'\)/));
});
