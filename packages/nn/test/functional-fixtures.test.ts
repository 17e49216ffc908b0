import { assertClose, fromRecord } from '@torchlet/autograd/testing';
import { describe, expect, it } from 'vitest';
import { fromRaw, functional as F, type Tensor } from '../src/index.js';
import { opCases } from './fixtures.js';

type Inputs = Record<string, Tensor>;

/**
 * Every `F.*` case of ops.json, written with torchlet's `functional` namespace. The output and
 * the gradient of sum(output · R) for each input must match PyTorch within rtol 1e-5, atol 1e-6.
 */
const calls: Record<string, (x: Inputs) => Tensor> = {
  // Activations
  'F.leaky_relu(a, 0.1)': ({ a }) => F.leakyRelu(a!, 0.1),
  'F.elu(a)': ({ a }) => F.elu(a!),
  'F.gelu(a)': ({ a }) => F.gelu(a!),
  "F.gelu(a, approximate='tanh')": ({ a }) => F.gelu(a!, { approximate: 'tanh' }),
  'F.silu(a)': ({ a }) => F.silu(a!),
  'F.softplus(a)': ({ a }) => F.softplus(a!),
  'F.softmax(a, dim=-1)': ({ a }) => F.softmax(a!, -1),
  'F.log_softmax(a, dim=1)': ({ a }) => F.logSoftmax(a!, 1),
  // Layers
  'F.linear(x, w, b)': ({ x, w, b }) => F.linear(x!, w!, b!),
  'F.conv1d(x, w, b, stride=2, padding=1)': ({ x, w, b }) => F.conv1d(x!, w!, b!, { stride: 2, padding: 1 }),
  'F.conv2d(x, w, b, stride=1, padding=1)': ({ x, w, b }) => F.conv2d(x!, w!, b!, { stride: 1, padding: 1 }),
  'F.conv2d(x, w, b, stride=2, padding=2, dilation=2, groups=2)': ({ x, w, b }) => F.conv2d(x!, w!, b!, { stride: 2, padding: 2, dilation: 2, groups: 2 }),
  'F.conv_transpose2d(x, w, b, stride=2, padding=1)': ({ x, w, b }) => F.convTranspose2d(x!, w!, b!, { stride: 2, padding: 1 }),
  'F.max_pool2d(x, 2)': ({ x }) => F.maxPool2d(x!, 2),
  'F.max_pool2d(x, 3, stride=2, padding=1)': ({ x }) => F.maxPool2d(x!, 3, { stride: 2, padding: 1 }),
  'F.avg_pool2d(x, 2)': ({ x }) => F.avgPool2d(x!, 2),
  'F.adaptive_avg_pool2d(x, (2, 3))': ({ x }) => F.adaptiveAvgPool2d(x!, [2, 3]),
  'F.batch_norm(x, None, None, w, b, training=True, eps=1e-5)': ({ x, w, b }) => F.batchNorm(x!, null, null, { weight: w!, bias: b!, training: true, eps: 1e-5 }),
  'F.layer_norm(x, [4], w, b)': ({ x, w, b }) => F.layerNorm(x!, [4], { weight: w!, bias: b! }),
  'F.group_norm(x, 2, w, b)': ({ x, w, b }) => F.groupNorm(x!, 2, { weight: w!, bias: b! }),
  'F.embedding(idx, w)': ({ idx, w }) => F.embedding(idx!, w!),
  // Losses
  'F.mse_loss(a, b)': ({ a, b }) => F.mseLoss(a!, b!),
  "F.l1_loss(a, b, reduction='sum')": ({ a, b }) => F.l1Loss(a!, b!, { reduction: 'sum' }),
  'F.smooth_l1_loss(a, b, beta=0.5)': ({ a, b }) => F.smoothL1Loss(a!, b!, { beta: 0.5 }),
  'F.huber_loss(a, b, delta=0.7)': ({ a, b }) => F.huberLoss(a!, b!, { delta: 0.7 }),
  'F.cross_entropy(x, y)': ({ x, y }) => F.crossEntropy(x!, y!),
  'F.cross_entropy(x, y, weight=cw, ignore_index=0, label_smoothing=0.1)': ({ x, y, cw }) => F.crossEntropy(x!, y!, { weight: cw!, ignoreIndex: 0, labelSmoothing: 0.1 }),
  'F.nll_loss(F.log_softmax(x, 1), y)': ({ x, y }) => F.nllLoss(F.logSoftmax(x!, 1), y!),
  'F.binary_cross_entropy(p, t)': ({ p, t }) => F.binaryCrossEntropy(p!, t!),
  'F.binary_cross_entropy_with_logits(x, t, pos_weight=pw)': ({ x, t, pw }) => F.binaryCrossEntropyWithLogits(x!, t!, { posWeight: pw! }),
  "F.kl_div(F.log_softmax(x, 1), t, reduction='batchmean')": ({ x, t }) => F.klDiv(F.logSoftmax(x!, 1), t!, { reduction: 'batchmean' }),
  // Similarities
  'F.cosine_similarity(a, b, dim=1)': ({ a, b }) => F.cosineSimilarity(a!, b!, { dim: 1 }),
};

const functionalCases = opCases.filter((c) => c.call.startsWith('F.'));

describe('ops.json F.* cases: outputs and gradients of sum(output · R)', () => {
  for (const testCase of functionalCases) {
    const run = calls[testCase.call];
    if (!run) continue;
    it(`${testCase.op}: ${testCase.call}`, () => {
      const inputs: Inputs = {};
      for (const [name, record] of Object.entries(testCase.inputs)) {
        inputs[name] = fromRaw(fromRecord(record), { requiresGrad: name in testCase.grads });
      }
      const out = run(inputs);
      assertClose(out, testCase.output, { rtol: 1e-5, atol: 1e-6 });
      out.mul(fromRaw(fromRecord(testCase.R))).sum().backward();
      for (const [name, expected] of Object.entries(testCase.grads)) {
        expect(inputs[name]!.grad, `gradient of ${name}`).not.toBeNull();
        assertClose(inputs[name]!.grad!, expected, { rtol: 1e-5, atol: 1e-6 });
      }
    });
  }

  it('has an entry for every F.* case', () => {
    expect(functionalCases.filter((c) => !(c.call in calls)).map((c) => c.call)).toEqual([]);
  });
});
