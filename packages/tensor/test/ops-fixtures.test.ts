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
};

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
