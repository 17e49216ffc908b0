import { describe, expect, it } from 'vitest';
import * as T from '../src/index.js';
import { assertClose, fromRecord } from '../src/testing.js';
import { opCases } from './fixtures.js';

type Inputs = Record<string, T.Tensor>;

/**
 * The forward half of every ops.json case whose kernel lives in this layer, written with
 * torchlet's API. Keys are PyTorch's calls exactly as the fixture records them; a call that
 * appears more than once (three `a @ b` cases) runs every occurrence.
 */
const forward: Record<string, (x: Inputs) => T.Tensor> = {
  'a + b': ({ a, b }) => T.add(a!, b!),
  'a - b': ({ a, b }) => T.sub(a!, b!),
  'a * b': ({ a, b }) => T.mul(a!, b!),
  'a / b': ({ a, b }) => T.div(a!, b!),
  'a ** 3': ({ a }) => T.pow(a!, 3),
  'a ** b': ({ a, b }) => T.pow(a!, b!),
  'torch.exp(a)': ({ a }) => T.exp(a!),
  'torch.tanh(a)': ({ a }) => T.tanh(a!),
  'torch.sigmoid(a)': ({ a }) => T.sigmoid(a!),
  'torch.relu(a)': ({ a }) => T.relu(a!),
  'torch.abs(a)': ({ a }) => T.abs(a!),
  'torch.neg(a)': ({ a }) => T.neg(a!),
  'torch.sin(a)': ({ a }) => T.sin(a!),
  'torch.cos(a)': ({ a }) => T.cos(a!),
  'torch.log(a)': ({ a }) => T.log(a!),
  'torch.sqrt(a)': ({ a }) => T.sqrt(a!),
  'torch.rsqrt(a)': ({ a }) => T.rsqrt(a!),
  'F.leaky_relu(a, 0.1)': ({ a }) => T.leakyRelu(a!, 0.1),
  'F.elu(a)': ({ a }) => T.elu(a!),
  'F.gelu(a)': ({ a }) => T.gelu(a!),
  "F.gelu(a, approximate='tanh')": ({ a }) => T.gelu(a!, { approximate: 'tanh' }),
  'F.silu(a)': ({ a }) => T.silu(a!),
  'F.softplus(a)': ({ a }) => T.softplus(a!),
  'torch.clamp(a, -0.5, 0.5)': ({ a }) => T.clamp(a!, -0.5, 0.5),
  'a.transpose(0, 2)': ({ a }) => T.transpose(a!, 0, 2),
  'a.permute(2, 0, 1)': ({ a }) => T.permute(a!, 2, 0, 1),
  'a.t().reshape(2, 6)': ({ a }) => T.reshape(T.t(a!), 2, 6),
  'a.expand(3, 4)': ({ a }) => T.expand(a!, 3, 4),
  'a.squeeze(1).unsqueeze(0)': ({ a }) => T.unsqueeze(T.squeeze(a!, 1), 0),
  'a[:, 1:3]': ({ a }) => T.index(a!, ':', '1:3'),
  'a[::2, 1:]': ({ a }) => T.index(a!, '::2', '1:'),
  'torch.where(c, a, b)': ({ c, a, b }) => T.where(c!, a!, b!),
  'a @ b': ({ a, b }) => T.matmul(a!, b!),
  'a @ v': ({ a, v }) => T.matmul(a!, v!),
  'a.sum()': ({ a }) => T.sum(a!),
  'a.sum(dim=1, keepdim=True)': ({ a }) => T.sum(a!, 1, { keepdim: true }),
  'a.mean(dim=(0, 2))': ({ a }) => T.mean(a!, [0, 2]),
  'a.max(dim=1).values': ({ a }) => T.max(a!, 1).values,
  'a.amax()': ({ a }) => T.amax(a!),
  'a.var(dim=1)': ({ a }) => T.variance(a!, 1),
  'a.std(dim=0, unbiased=False)': ({ a }) => T.std(a!, 0, { unbiased: false }),
  'a.prod(dim=1)': ({ a }) => T.prod(a!, 1),
  'torch.logsumexp(a, dim=-1)': ({ a }) => T.logsumexp(a!, -1),
  'F.softmax(a, dim=-1)': ({ a }) => T.softmax(a!, -1),
  'F.log_softmax(a, dim=1)': ({ a }) => T.logSoftmax(a!, 1),
  'torch.cat([a, b], dim=1)': ({ a, b }) => T.cat([a!, b!], 1),
  'torch.stack([a, b], dim=0)': ({ a, b }) => T.stack([a!, b!], 0),
  'torch.index_select(a, 0, idx)': ({ a, idx }) => T.indexSelect(a!, 0, idx!),
  'torch.gather(a, 1, idx)': ({ a, idx }) => T.gather(a!, 1, idx!),
  'a.masked_fill(m, 0.0)': ({ a, m }) => T.maskedFill(a!, m!, 0),
  'F.linear(x, w, b)': ({ x, w, b }) => T.addmm(b!, x!, T.t(w!)),
  'F.conv1d(x, w, b, stride=2, padding=1)': ({ x, w, b }) => T.conv1d(x!, w!, b!, { stride: 2, padding: 1 }),
  'F.conv2d(x, w, b, stride=1, padding=1)': ({ x, w, b }) => T.conv2d(x!, w!, b!, { stride: 1, padding: 1 }),
  'F.conv2d(x, w, b, stride=2, padding=2, dilation=2, groups=2)': ({ x, w, b }) =>
    T.conv2d(x!, w!, b!, { stride: 2, padding: 2, dilation: 2, groups: 2 }),
  'F.conv_transpose2d(x, w, b, stride=2, padding=1)': ({ x, w, b }) => T.convTranspose2d(x!, w!, b!, { stride: 2, padding: 1 }),
  'F.max_pool2d(x, 2)': ({ x }) => T.maxPool2d(x!, 2).output,
  'F.max_pool2d(x, 3, stride=2, padding=1)': ({ x }) => T.maxPool2d(x!, 3, { stride: 2, padding: 1 }).output,
  'F.avg_pool2d(x, 2)': ({ x }) => T.avgPool2d(x!, 2),
  'F.adaptive_avg_pool2d(x, (2, 3))': ({ x }) => T.adaptiveAvgPool2d(x!, [2, 3]),
  'F.batch_norm(x, None, None, w, b, training=True, eps=1e-5)': ({ x, w, b }) => T.batchNorm(x!, null, null, w!, b!, { training: true, eps: 1e-5 }).output,
  'F.layer_norm(x, [4], w, b)': ({ x, w, b }) => T.layerNorm(x!, [4], w!, b!).output,
  'F.group_norm(x, 2, w, b)': ({ x, w, b }) => T.groupNorm(x!, 2, w!, b!).output,
  'F.embedding(idx, w)': ({ idx, w }) => T.embedding(idx!, w!),
};

/**
 * Cases whose forward is a composition that lives in an upper layer (losses and recurrent modules
 * in @torchlet/nn); their kernels are all covered above.
 */
const upperLayer = (call: string): boolean => /^F\.(mse_loss|l1_loss|smooth_l1_loss|huber_loss|cross_entropy|nll_loss|binary_cross_entropy|kl_div|cosine_similarity)|^nn\.(LSTM|GRU|RNN)\(/.test(call);

it('covers every ops.json case that is not an upper-layer composition', () => {
  const missing = opCases.filter((c) => !(c.call in forward) && !upperLayer(c.call)).map((c) => c.call);
  expect(missing).toEqual([]);
  expect(Object.keys(forward).length).toBeGreaterThanOrEqual(60);
});

describe('ops.json forward values', () => {
  for (const testCase of opCases) {
    const run = forward[testCase.call];
    if (!run) continue;
    it(`${testCase.op}: ${testCase.call}`, () => {
      const inputs: Inputs = {};
      for (const [name, record] of Object.entries(testCase.inputs)) inputs[name] = fromRecord(record);
      const out = run(inputs);
      expect(out.dtype).toBe(testCase.output.dtype);
      assertClose(out, testCase.output, { rtol: 1e-5, atol: 1e-6 });
    });
  }
});
