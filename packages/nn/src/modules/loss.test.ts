import { InvalidArgumentError, type Tensor, logSoftmax, tensor } from '@torchlet/autograd';
import { assertClose } from '@torchlet/autograd/testing';
import { describe, expect, it } from 'vitest';
import * as F from '../functional/loss.js';
import type { Reduction } from '../functional/loss.js';
import { BCELoss, BCEWithLogitsLoss, CrossEntropyLoss, HuberLoss, KLDivLoss, L1Loss, MSELoss, NLLLoss, SmoothL1Loss } from './loss.js';

const f32 = (data: number[], shape: number[] = [data.length]): Tensor => tensor(data, { dtype: 'float32' }).reshape(shape);
const a = () => f32([0.5, -1.0, 2.0, 1.5, 0.25, -0.75], [2, 3]);
const b = () => f32([0.0, 1.0, 1.0, -1.0, 0.5, 0.5], [2, 3]);
const probabilities = () => f32([0.1, 0.9, 0.5, 0.3, 0.2, 0.7], [2, 3]);
const labels = tensor([2, 0], { dtype: 'int64' });
const classWeight = () => f32([1, 2, 0.5]);

describe('loss modules', () => {
  it('print as PyTorch does, with no extra text', () => {
    const modules = [new MSELoss(), new L1Loss(), new SmoothL1Loss({ beta: 0.5 }), new HuberLoss({ delta: 2 }), new CrossEntropyLoss({ weight: classWeight(), labelSmoothing: 0.1 }), new NLLLoss(), new BCELoss({ weight: classWeight() }), new BCEWithLogitsLoss({ posWeight: classWeight() }), new KLDivLoss({ reduction: 'batchmean', logTarget: true })];
    expect(modules.map(String)).toEqual(['MSELoss()', 'L1Loss()', 'SmoothL1Loss()', 'HuberLoss()', 'CrossEntropyLoss()', 'NLLLoss()', 'BCELoss()', 'BCEWithLogitsLoss()', 'KLDivLoss()']);
  });

  it("take PyTorch's defaults", () => {
    const ce = new CrossEntropyLoss();
    expect([ce.reduction, ce.ignoreIndex, ce.labelSmoothing, ce.weight]).toEqual(['mean', -100, 0, null]);
    expect([new SmoothL1Loss().beta, new HuberLoss().delta, new KLDivLoss().logTarget, new KLDivLoss().reduction]).toEqual([1, 1, false, 'mean']);
    expect(new BCEWithLogitsLoss().pos_weight).toBeNull();
  });

  it('reject an unknown reduction when run, as PyTorch does', () => {
    expect(() => new MSELoss({ reduction: 'avg' as Reduction }).call(a(), b())).toThrow(/mseLoss: avg is not a valid value for reduction/);
    expect(() => new CrossEntropyLoss({ reduction: 'batchmean' as Reduction }).call(a(), labels)).toThrow(InvalidArgumentError);
  });

  it("accept 'batchmean' for KLDivLoss only", () => {
    expect(new KLDivLoss({ reduction: 'batchmean' }).call(logSoftmax(a(), 1), probabilities()).shape).toEqual([]);
    expect(() => new L1Loss({ reduction: 'batchmean' as Reduction }).call(a(), b())).toThrow(/l1Loss: batchmean is not a valid value for reduction/);
  });
});

describe('loss module buffers', () => {
  it('register the class weight of CrossEntropyLoss, NLLLoss and BCELoss as the buffer `weight`', () => {
    for (const loss of [new CrossEntropyLoss({ weight: classWeight() }), new NLLLoss({ weight: classWeight() }), new BCELoss({ weight: classWeight() })]) {
      expect(Object.keys(loss.stateDict())).toEqual(['weight']);
      expect([...loss.namedBuffers()].map(([name]) => name)).toEqual(['weight']);
    }
  });

  it('leave an absent weight out of the state dict', () => {
    expect(Object.keys(new NLLLoss().stateDict())).toEqual([]);
    expect(Object.keys(new MSELoss().stateDict())).toEqual([]);
  });

  it('register `weight` then `pos_weight` for BCEWithLogitsLoss', () => {
    expect(Object.keys(new BCEWithLogitsLoss({ posWeight: classWeight() }).stateDict())).toEqual(['pos_weight']);
    expect(Object.keys(new BCEWithLogitsLoss({ weight: classWeight(), posWeight: classWeight() }).stateDict())).toEqual(['weight', 'pos_weight']);
  });

  it('load and convert the weight buffer like any buffer', () => {
    const loss = new CrossEntropyLoss({ weight: classWeight() });
    loss.loadStateDict({ weight: f32([3, 2, 1]) });
    expect(loss.weight!.tolist()).toEqual([3, 2, 1]);
    expect(loss.double().weight!.dtype).toBe('float64');
  });
});

describe('loss module forward', () => {
  const reductions: Reduction[] = ['none', 'mean', 'sum'];
  for (const reduction of reductions) {
    it(`equals the functional form with reduction '${reduction}'`, () => {
      const logits = a();
      const cases: [Tensor, Tensor][] = [
        [new MSELoss({ reduction }).call(a(), b()), F.mseLoss(a(), b(), { reduction })],
        [new L1Loss({ reduction }).call(a(), b()), F.l1Loss(a(), b(), { reduction })],
        [new SmoothL1Loss({ reduction, beta: 0.5 }).call(a(), b()), F.smoothL1Loss(a(), b(), { reduction, beta: 0.5 })],
        [new HuberLoss({ reduction, delta: 0.7 }).call(a(), b()), F.huberLoss(a(), b(), { reduction, delta: 0.7 })],
        [
          new CrossEntropyLoss({ reduction, weight: classWeight(), ignoreIndex: 0, labelSmoothing: 0.1 }).call(logits, labels),
          F.crossEntropy(logits, labels, { reduction, weight: classWeight(), ignoreIndex: 0, labelSmoothing: 0.1 }),
        ],
        [new NLLLoss({ reduction, weight: classWeight() }).call(logSoftmax(logits, 1), labels), F.nllLoss(logSoftmax(logits, 1), labels, { reduction, weight: classWeight() })],
        [new BCELoss({ reduction, weight: classWeight() }).call(probabilities(), b().abs().clamp(0, 1)), F.binaryCrossEntropy(probabilities(), b().abs().clamp(0, 1), { reduction, weight: classWeight() })],
        [
          new BCEWithLogitsLoss({ reduction, weight: classWeight(), posWeight: f32([2, 1, 0.5]) }).call(a(), probabilities()),
          F.binaryCrossEntropyWithLogits(a(), probabilities(), { reduction, weight: classWeight(), posWeight: f32([2, 1, 0.5]) }),
        ],
        [new KLDivLoss({ reduction, logTarget: true }).call(logSoftmax(a(), 1), b()), F.klDiv(logSoftmax(a(), 1), b(), { reduction, logTarget: true })],
      ];
      for (const [module, functional] of cases) assertClose(module, functional);
    });
  }

  it("divides by the batch size with KLDivLoss's 'batchmean'", () => {
    const input = logSoftmax(a(), 1);
    assertClose(new KLDivLoss({ reduction: 'batchmean' }).call(input, probabilities()), F.klDiv(input, probabilities(), { reduction: 'sum' }).div(2));
  });

  it('lets the gradient reach the input', () => {
    const logits = a().requiresGrad_();
    new CrossEntropyLoss().call(logits, labels).backward();
    expect(logits.grad!.shape).toEqual([2, 3]);
  });
});
