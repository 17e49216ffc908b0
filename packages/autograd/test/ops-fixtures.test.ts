import { assertClose, fromRecord } from '@torchlet/tensor/testing';
import { describe, expect, it } from 'vitest';
import * as A from '../src/index.js';
import { opCases } from './fixtures.js';

type Inputs = Record<string, A.Tensor>;

/**
 * Every ops.json case whose call is a `torch.*` function or a tensor method, written with
 * torchlet's API. The `F.*` cases belong to @torchlet/nn, which runs them through its functional
 * API on top of these gradients.
 */
const calls: Record<string, (x: Inputs) => A.Tensor> = {
  'a + b': ({ a, b }) => a!.add(b!),
  'a - b': ({ a, b }) => a!.sub(b!),
  'a * b': ({ a, b }) => a!.mul(b!),
  'a / b': ({ a, b }) => a!.div(b!),
  'a ** 3': ({ a }) => a!.pow(3),
  'a ** b': ({ a, b }) => a!.pow(b!),
  'a @ b': ({ a, b }) => a!.matmul(b!),
  'a @ v': ({ a, v }) => a!.matmul(v!),
  'torch.exp(a)': ({ a }) => A.exp(a!),
  'torch.tanh(a)': ({ a }) => A.tanh(a!),
  'torch.sigmoid(a)': ({ a }) => A.sigmoid(a!),
  'torch.relu(a)': ({ a }) => A.relu(a!),
  'torch.abs(a)': ({ a }) => A.abs(a!),
  'torch.neg(a)': ({ a }) => A.neg(a!),
  'torch.sin(a)': ({ a }) => A.sin(a!),
  'torch.cos(a)': ({ a }) => A.cos(a!),
  'torch.log(a)': ({ a }) => A.log(a!),
  'torch.sqrt(a)': ({ a }) => A.sqrt(a!),
  'torch.rsqrt(a)': ({ a }) => A.rsqrt(a!),
  'torch.clamp(a, -0.5, 0.5)': ({ a }) => A.clamp(a!, -0.5, 0.5),
  'a.sum()': ({ a }) => a!.sum(),
  'a.sum(dim=1, keepdim=True)': ({ a }) => a!.sum(1, { keepdim: true }),
  'a.mean(dim=(0, 2))': ({ a }) => a!.mean([0, 2]),
  'a.max(dim=1).values': ({ a }) => a!.max(1).values,
  'a.amax()': ({ a }) => a!.amax(),
  'a.var(dim=1)': ({ a }) => a!.var(1),
  'a.std(dim=0, unbiased=False)': ({ a }) => a!.std(0, { unbiased: false }),
  'a.prod(dim=1)': ({ a }) => a!.prod(1),
  'torch.logsumexp(a, dim=-1)': ({ a }) => A.logsumexp(a!, -1),
  'a.transpose(0, 2)': ({ a }) => a!.transpose(0, 2),
  'a.permute(2, 0, 1)': ({ a }) => a!.permute(2, 0, 1),
  'a.t().reshape(2, 6)': ({ a }) => a!.t().reshape(2, 6),
  'a.expand(3, 4)': ({ a }) => a!.expand(3, 4),
  'a.squeeze(1).unsqueeze(0)': ({ a }) => a!.squeeze(1).unsqueeze(0),
  'torch.cat([a, b], dim=1)': ({ a, b }) => A.cat([a!, b!], 1),
  'torch.stack([a, b], dim=0)': ({ a, b }) => A.stack([a!, b!], 0),
  'a[:, 1:3]': ({ a }) => a!.index(':', '1:3'),
  'a[::2, 1:]': ({ a }) => a!.index('::2', '1:'),
  'torch.index_select(a, 0, idx)': ({ a, idx }) => A.indexSelect(a!, 0, idx!),
  'torch.gather(a, 1, idx)': ({ a, idx }) => A.gather(a!, 1, idx!),
  'torch.where(c, a, b)': ({ c, a, b }) => A.where(c!, a!, b!),
  'a.masked_fill(m, 0.0)': ({ a, m }) => a!.maskedFill(m!, 0),
};

describe('ops.json: outputs and gradients of sum(output · R)', () => {
  for (const testCase of opCases) {
    const run = calls[testCase.call];
    if (!run) continue;
    it(`${testCase.op}: ${testCase.call}`, () => {
      const inputs: Inputs = {};
      for (const [name, record] of Object.entries(testCase.inputs)) {
        inputs[name] = A.fromRaw(fromRecord(record), { requiresGrad: name in testCase.grads });
      }
      const out = run(inputs);
      assertClose(out, testCase.output);
      out.mul(A.fromRaw(fromRecord(testCase.R))).sum().backward();
      for (const [name, expected] of Object.entries(testCase.grads)) {
        expect(inputs[name]!.grad, `gradient of ${name}`).not.toBeNull();
        assertClose(inputs[name]!.grad!, expected);
      }
    });
  }

  it('covers every torch.* and tensor-method case', () => {
    const missing = opCases.filter((c) => !c.call.startsWith('F.') && !c.call.startsWith('nn.') && !(c.call in calls)).map((c) => c.call);
    expect(missing).toEqual([]);
  });
});
