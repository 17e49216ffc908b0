import { readFileSync } from 'node:fs';
import { fromRaw, type Tensor } from '@torchlet/autograd';
import { assertClose, fromRecord, type TensorRecord } from '@torchlet/autograd/testing';
import { describe, expect, it } from 'vitest';
import { ReLU } from '../src/modules/activation.js';
import { Sequential } from '../src/modules/container.js';
import { Conv2d } from '../src/modules/conv.js';
import { Flatten } from '../src/modules/flatten.js';
import { Linear } from '../src/modules/linear.js';
import { BatchNorm2d } from '../src/modules/normalization.js';

interface ModelStateEntry {
  about: string;
  value: Record<string, TensorRecord>;
  eval_input: TensorRecord;
  eval_output: TensorRecord;
}

const manifest = JSON.parse(readFileSync(new URL('./fixtures/checkpoints-manifest.json', import.meta.url), 'utf8')) as {
  files: Record<string, ModelStateEntry>;
};
const entry = manifest.files['model_state.pt']!;

/** nn.Sequential(Conv2d(1,2,3), BatchNorm2d(2), ReLU(), Flatten(), Linear(32,3)), as the fixture's model. */
function model(): Sequential {
  return new Sequential(new Conv2d(1, 2, 3), new BatchNorm2d(2), new ReLU(), new Flatten(), new Linear(32, 3));
}

describe('the model of checkpoints-manifest.json model_state.pt', () => {
  it('has exactly PyTorch’s state-dict keys, order, shapes and dtypes', () => {
    const state = model().stateDict();
    const layout = (entries: [string, { shape: readonly number[]; dtype: string }][]) => entries.map(([k, v]) => [k, [...v.shape], v.dtype]);
    expect(layout(Object.entries(state))).toEqual(layout(Object.entries(entry.value)));
  });

  it('loaded with PyTorch’s values and in eval mode, reproduces PyTorch’s eval output within 1e-5', () => {
    const net = model();
    const values = Object.fromEntries(Object.entries(entry.value).map(([k, record]) => [k, fromRaw(fromRecord(record))])) as Record<string, Tensor>;
    expect(net.loadStateDict(values)).toEqual({ missingKeys: [], unexpectedKeys: [] });
    net.eval();
    const output = net.call(fromRaw(fromRecord(entry.eval_input))) as Tensor;
    assertClose(output, entry.eval_output, { atol: 1e-5, rtol: 0 });
    expect((net.at(1) as BatchNorm2d).num_batches_tracked!.item()).toBe(2);
  });

  it('prints as PyTorch', () => {
    expect(model().toString()).toBe(
      [
        'Sequential(',
        '  (0): Conv2d(1, 2, kernel_size=(3, 3), stride=(1, 1))',
        '  (1): BatchNorm2d(2, eps=1e-05, momentum=0.1, affine=True, track_running_stats=True)',
        '  (2): ReLU()',
        '  (3): Flatten(start_dim=1, end_dim=-1)',
        '  (4): Linear(in_features=32, out_features=3, bias=True)',
        ')',
      ].join('\n'),
    );
  });
});
