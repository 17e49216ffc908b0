import { describe, expect, it } from 'vitest';
import {
  DTypeError,
  InvalidArgumentError,
  manualSeed,
  noGrad,
  ShapeError,
  stack,
  type Tensor,
  arange,
  fromRaw,
  randn,
  tensor,
  zeros,
} from '@torchlet/autograd';
import { assertClose, fromRecord, gradcheck } from '@torchlet/autograd/testing';
import { opCases } from '../../test/fixtures.js';
import type { Module } from '../module.js';
import { GRU, GRUCell, LSTM, LSTMCell, RNN, RNNCell } from './rnn.js';

/** Sets every entry of the state dict, in order, to 0.5·sin(0.7·k + phase) for a running k. */
function fill(module: Module, phase = 0.1): void {
  let k = 0;
  noGrad(() => {
    for (const t of Object.values(module.stateDict())) {
      t.copy_(arange(k, k + t.numel(), { dtype: 'float64' }).mul(0.7).add(phase).sin().mul(0.5).reshape([...t.shape]));
      k += t.numel();
    }
  });
}

/** cos(f·j) over a tensor of `shape`, float64. */
function input(shape: number[], f = 0.3): Tensor {
  return arange(0, shape.reduce((a, b) => a * b, 1), { dtype: 'float64' }).mul(f).cos().reshape(shape);
}

const values = (t: Tensor): number[] => Array.from(t.toTypedArray() as Float32Array);

const close = (actual: Tensor, expected: number[]) => assertClose(actual.reshape([-1]), tensor(expected, { dtype: 'float64' }), { rtol: 1e-9, atol: 1e-10 });

describe('RNN, LSTM and GRU against ops.json', () => {
  const layers = { LSTM, GRU, RNN };
  for (const name of ['LSTM', 'GRU', 'RNN'] as const) {
    const c = opCases.find((x) => x.call.startsWith(`nn.${name}(2, 3)`))!;
    it(`${name} gives PyTorch's outputs and gradients of sum(output·R)`, () => {
      const module = new layers[name](2, 3);
      const record = module as unknown as Record<string, Tensor>;
      noGrad(() => {
        for (const [key, input] of [['weight_ih_l0', 'w_ih'], ['weight_hh_l0', 'w_hh'], ['bias_ih_l0', 'b_ih'], ['bias_hh_l0', 'b_hh']] as const) {
          record[key]!.copy_(fromRecord(c.inputs[input]!));
        }
      });
      const x = fromRaw(fromRecord(c.inputs['x']!), { requiresGrad: true });
      const [output] = module.call(x);
      assertClose(output, c.output);
      output.mul(fromRaw(fromRecord(c.R))).sum().backward();
      assertClose(x.grad!, c.grads['x']!);
      assertClose(record['weight_ih_l0']!.grad!, c.grads['w_ih']!);
      assertClose(record['weight_hh_l0']!.grad!, c.grads['w_hh']!);
      assertClose(record['bias_ih_l0']!.grad!, c.grads['b_ih']!);
      assertClose(record['bias_hh_l0']!.grad!, c.grads['b_hh']!);
    });
  }
});

// Expected numbers: PyTorch 1.13 in float64, the module's state_dict() filled in order with the
// formula of `fill`, inputs built as `input` builds them, e.g.
//   m = nn.LSTM(2, 3, num_layers=2, bidirectional=True); fill(m); m(x, (h0, c0))
describe('LSTM', () => {
  it('matches PyTorch for 2 bidirectional layers from a given (h0, c0)', () => {
    const lstm = new LSTM(2, 3, { numLayers: 2, bidirectional: true }).double();
    fill(lstm);
    const h0 = input([4, 2, 3], 0.5).mul(0.1);
    const c0 = input([4, 2, 3], 0.9).mul(0.2);
    const [output, [h, c]] = lstm.call(input([3, 2, 2]), [h0, c0]);
    expect(output.shape).toEqual([3, 2, 6]);
    close(output, [-0.071275978869, 0.048031081468, -0.128526468713, 0.256842086569, -0.01199730985, -0.017563773858, -0.00456055103, -0.102095910563, -0.203018032214, 0.224170928212, 0.003566011649, -0.015605041801, -0.088822894699, -0.074851329226, -0.221880301221, 0.153540664867, 0.006986424136, -0.004244132654, -0.044415078367, -0.176882845434, -0.257732909951, 0.12942321977, 0.046567603316, -0.021582150605, -0.096527940097, -0.165775458758, -0.259788827425, 0.041377584843, 0.035081413689, 0.00500169794, -0.077931132115, -0.207976251691, -0.244068131473, 0.07957133546, 0.089553689955, -0.031867580521]);
    close(h, [0.017104306597, -0.08596933804, -0.076409592, -0.047633074823, -0.058583307138, 0.029992259644, -0.431651063093, -0.005342345091, 0.140434171056, -0.308497170306, 0.024010895433, 0.092976628646, -0.096527940097, -0.165775458758, -0.259788827425, -0.077931132115, -0.207976251691, -0.244068131473, 0.256842086569, -0.01199730985, -0.017563773858, 0.224170928212, 0.003566011649, -0.015605041801]);
    close(c, [0.048133837844, -0.33787564603, -0.122529706181, -0.142217609014, -0.237227616143, 0.049140414614, -0.7095593648, -0.013445712667, 0.377203545014, -0.487145156975, 0.050295680224, 0.232060548661, -0.203277709156, -0.35392650312, -0.447047601796, -0.169613968292, -0.482640500739, -0.389758792005, 0.554474596655, -0.041703223215, -0.043248501405, 0.495646887381, 0.012351399397, -0.03666733783]);
  });

  it("has PyTorch 1.13's state-dict keys and shapes for 2 bidirectional layers", () => {
    const shapes = Object.entries(new LSTM(3, 4, { numLayers: 2, bidirectional: true }).stateDict()).map(([k, v]) => [k, v.shape]);
    // [(k, list(v.shape)) for k, v in nn.LSTM(3, 4, num_layers=2, bidirectional=True).state_dict().items()]
    expect(shapes).toEqual([['weight_ih_l0', [16, 3]], ['weight_hh_l0', [16, 4]], ['bias_ih_l0', [16]], ['bias_hh_l0', [16]], ['weight_ih_l0_reverse', [16, 3]], ['weight_hh_l0_reverse', [16, 4]], ['bias_ih_l0_reverse', [16]], ['bias_hh_l0_reverse', [16]], ['weight_ih_l1', [16, 8]], ['weight_hh_l1', [16, 4]], ['bias_ih_l1', [16]], ['bias_hh_l1', [16]], ['weight_ih_l1_reverse', [16, 8]], ['weight_hh_l1_reverse', [16, 4]], ['bias_ih_l1_reverse', [16]], ['bias_hh_l1_reverse', [16]]]);
  });

  it('registers only weights without bias', () => {
    expect(Object.keys(new LSTM(3, 4, { bias: false }).stateDict())).toEqual(['weight_ih_l0', 'weight_hh_l0']);
  });

  it('draws U(±1/√hiddenSize) for every parameter', () => {
    const lstm = new LSTM(5, 4, { numLayers: 2 });
    for (const p of lstm.parameters()) {
      const values = Array.from(p.toTypedArray());
      expect(Math.max(...values.map(Math.abs))).toBeLessThanOrEqual(0.5);
    }
  });

  it("reproduces PyTorch's initial weights bit for bit for the same seed", () => {
    manualSeed(0);
    const gru = new GRU(2, 3);
    // torch.manual_seed(0); m = nn.GRU(2, 3); m.weight_ih_l0.flatten()[:6], m.bias_hh_l0[-3:]
    expect(values(gru.allWeights[0]![0]!).slice(0, 6)).toEqual([-0.004322517663240433, 0.3097158372402191, -0.4751853346824646, -0.4248946011066437, -0.2223689705133438, 0.15482072532176971]);
    expect(values(gru.allWeights[0]![3]!).slice(6)).toEqual([0.26123541593551636, 0.232187420129776, -0.34199488162994385]);
  });

  it('creates its parameters in the dtype asked for', () => {
    expect([...new LSTM(2, 3, { dtype: 'float64' }).parameters()].map((p) => p.dtype)).toEqual(['float64', 'float64', 'float64', 'float64']);
    expect(new GRUCell(2, 3, { dtype: 'float64' }).weight_hh.dtype).toBe('float64');
  });

  it('gives [seq, batch, D·H] outputs and [D·layers, batch, H] states', () => {
    const lstm = new LSTM(3, 4, { numLayers: 3, bidirectional: true });
    const [output, [h, c]] = lstm.call(randn(5, 2, 3));
    expect([output.shape, h.shape, c.shape]).toEqual([[5, 2, 8], [6, 2, 4], [6, 2, 4]]);
  });

  it('takes and returns batch-first tensors; states stay [D·layers, batch, H]', () => {
    const lstm = new LSTM(3, 4, { batchFirst: true, numLayers: 2 });
    const x = randn(2, 5, 3);
    const [output, [h]] = lstm.call(x);
    expect([output.shape, h.shape]).toEqual([[2, 5, 4], [2, 2, 4]]);
    // The same weights without batchFirst see the transposed input.
    const plain = new LSTM(3, 4, { numLayers: 2 });
    plain.loadStateDict(lstm.stateDict());
    assertClose(plain.call(x.transpose(0, 1))[0].transpose(0, 1), output);
  });

  it('accepts unbatched 2-D input and states', () => {
    const lstm = new LSTM(3, 4, { numLayers: 2 });
    const x = randn(5, 3);
    const [output, [h, c]] = lstm.call(x, [zeros(2, 4), zeros(2, 4)]);
    expect([output.shape, h.shape, c.shape]).toEqual([[5, 4], [2, 4], [2, 4]]);
    assertClose(output, lstm.call(x.unsqueeze(1))[0].squeeze(1));
  });

  it('continues from a returned state as if the sequence were one', () => {
    const lstm = new LSTM(2, 3, { numLayers: 2 });
    const x = randn(6, 2, 2);
    const [whole] = lstm.call(x);
    const [first, state] = lstm.call(x.slice(0, 0, 4));
    const [second] = lstm.call(x.slice(0, 4), state);
    assertClose(second, whole.slice(0, 4), { atol: 1e-6 });
    assertClose(first, whole.slice(0, 0, 4));
  });

  it('matches stepping an LSTMCell with the same weights', () => {
    const lstm = new LSTM(2, 3);
    const cell = new LSTMCell(2, 3);
    cell.loadStateDict({ weight_ih: lstm.allWeights[0]![0]!, weight_hh: lstm.allWeights[0]![1]!, bias_ih: lstm.allWeights[0]![2]!, bias_hh: lstm.allWeights[0]![3]! });
    const x = randn(4, 2, 2);
    let state: [Tensor, Tensor] = [zeros(2, 3), zeros(2, 3)];
    const hs = x.unbind(0).map((xt) => (state = cell.call(xt, state))[0]);
    assertClose(lstm.call(x)[0], stack(hs, 0));
  });

  it('passes gradcheck in float64 with 2 bidirectional layers', () => {
    const lstm = new LSTM(2, 2, { numLayers: 2, bidirectional: true }).double();
    const x = randn(2, 1, 2, { dtype: 'float64', requiresGrad: true });
    const h0 = randn(4, 1, 2, { dtype: 'float64', requiresGrad: true });
    const c0 = randn(4, 1, 2, { dtype: 'float64', requiresGrad: true });
    const fn = (x: Tensor, h: Tensor, c: Tensor) => {
      const [output, [hn, cn]] = lstm.call(x, [h, c]);
      return [output, hn, cn];
    };
    expect(gradcheck(fn, [x, h0, c0])).toBe(true);
    expect(gradcheck(() => lstm.call(x)[0], [...lstm.parameters()])).toBe(true);
  });

  it('prints PyTorch\'s extra_repr', () => {
    expect(new LSTM(2, 3, { numLayers: 2, bias: false, batchFirst: true, dropout: 0.25 }).toString()).toBe('LSTM(2, 3, num_layers=2, bias=False, batch_first=True, dropout=0.25)');
  });
});

describe('GRU', () => {
  it('matches PyTorch for 2 bidirectional batch-first layers', () => {
    const gru = new GRU(2, 3, { numLayers: 2, bidirectional: true, batchFirst: true }).double();
    fill(gru);
    const [output, h] = gru.call(input([2, 3, 2]));
    expect([output.shape, h.shape]).toEqual([[2, 3, 6], [4, 2, 3]]);
    close(output, [-0.386863956073, -0.46704747699, 0.256729721806, -0.759279092773, -0.726694982386, 0.606316200246, -0.657040092947, -0.586937763706, 0.422440074588, -0.687062435806, -0.510703111297, 0.45589165105, -0.774585479724, -0.575136767759, 0.462910179951, -0.458265751683, -0.219324730077, 0.216641709084, -0.348578534521, -0.305163015726, 0.065583770474, -0.704789467598, -0.444670426294, 0.314392338723, -0.547303734399, -0.389202329704, 0.025491934437, -0.571015089849, -0.232851711829, 0.048671453005, -0.646552971427, -0.412066611168, -0.033147111458, -0.326254418425, -0.126455850874, -0.132310672204]);
    close(h, [-0.479385313933, -0.710916881544, -0.30687211549, -0.384498793497, -0.119283332359, 0.372643281804, -0.522126016003, -0.783995403709, -0.417614713668, -0.353644754364, -0.25008456565, 0.032681010862, -0.774585479724, -0.575136767759, 0.462910179951, -0.646552971427, -0.412066611168, -0.033147111458, -0.759279092773, -0.726694982386, 0.606316200246, -0.704789467598, -0.444670426294, 0.314392338723]);
  });

  it('passes gradcheck in float64 with 2 bidirectional layers', () => {
    const gru = new GRU(2, 2, { numLayers: 2, bidirectional: true }).double();
    const x = randn(2, 1, 2, { dtype: 'float64', requiresGrad: true });
    const h0 = randn(4, 1, 2, { dtype: 'float64', requiresGrad: true });
    expect(gradcheck((x: Tensor, h: Tensor) => gru.call(x, h), [x, h0])).toBe(true);
    expect(gradcheck(() => gru.call(x)[0], [...gru.parameters()])).toBe(true);
  });

  it('applies dropout between layers only in training, never after the last', () => {
    const gru = new GRU(2, 3, { numLayers: 2, dropout: 1 });
    const x = randn(4, 2, 2);
    const [dropped] = gru.call(x);
    // With every first-layer output zeroed, the second layer sees zeros: its output no longer depends on x.
    const [droppedOther] = gru.call(randn(4, 2, 2));
    assertClose(dropped, droppedOther);
    expect(dropped.abs().sum().item()).toBeGreaterThan(0);
    gru.eval();
    const plain = new GRU(2, 3, { numLayers: 2 });
    plain.loadStateDict(gru.stateDict());
    assertClose(gru.call(x)[0], plain.call(x)[0]);
  });
});

describe('RNN', () => {
  it('matches PyTorch with relu, 2 layers, on unbatched input', () => {
    const rnn = new RNN(2, 3, { numLayers: 2, nonlinearity: 'relu' }).double();
    fill(rnn, 1.3);
    const [output, h] = rnn.call(input([4, 2]));
    expect([output.shape, h.shape]).toEqual([[4, 3], [2, 3]]);
    close(output, [0.0, 0.0, 0.561273202416, 0.0, 0.0, 0.687034614156, 0.0, 0.0, 0.573393765716, 0.0, 0.0, 0.456467919518]);
    close(h, [0.0, 1.064849446208, 0.300747452439, 0.0, 0.0, 0.456467919518]);
  });

  it('prints PyTorch\'s extra_repr (the nonlinearity is not shown)', () => {
    expect(new RNN(2, 3, { nonlinearity: 'relu', dropout: 1, numLayers: 2, bidirectional: true }).toString()).toBe('RNN(2, 3, num_layers=2, dropout=1.0, bidirectional=True)');
  });

  it('rejects an unknown nonlinearity', () => {
    expect(() => new RNN(2, 3, { nonlinearity: 'gelu' as 'relu' })).toThrow(new InvalidArgumentError("RNN: Unknown nonlinearity 'gelu'"));
  });

  it('rejects bad dropout, sizes and layer counts', () => {
    expect(() => new RNN(2, 3, { dropout: 1.5 })).toThrow(/RNN: dropout should be a number in range \[0, 1\].*got 1\.5/);
    expect(() => new GRU(2, 0)).toThrow(new InvalidArgumentError('GRU: hiddenSize must be greater than zero, got 0'));
    expect(() => new LSTM(0, 3)).toThrow(new InvalidArgumentError('LSTM: inputSize must be greater than zero, got 0'));
    expect(() => new LSTM(2, 3, { numLayers: 0 })).toThrow(new InvalidArgumentError('LSTM: numLayers must be greater than zero, got 0'));
  });

  it('rejects inputs of the wrong rank, size or dtype, naming both sizes', () => {
    const gru = new GRU(2, 3);
    expect(() => gru.call(zeros(4, 5, 3))).toThrow(new ShapeError('GRU: input.size(-1) must be equal to input_size. Expected 2, got 3'));
    expect(() => gru.call(zeros(1, 4, 5, 2))).toThrow(new ShapeError('GRU: Expected input to be 2D or 3D, got 4D instead'));
    expect(() => gru.call(zeros(4, 5, 2, { dtype: 'float64' }))).toThrow(new DTypeError('GRU: input must have the type float32, got type float64'));
    expect(() => gru.call(zeros(0, 5, 2))).toThrow(new ShapeError('GRU: Expected sequence length to be larger than 0 in RNN'));
  });

  it('rejects initial states of the wrong rank or size', () => {
    expect(() => new GRU(2, 3).call(zeros(4, 5, 2), zeros(2, 5, 3))).toThrow(new ShapeError('GRU: Expected hidden size (1, 5, 3), got [2, 5, 3]'));
    expect(() => new RNN(2, 3).call(zeros(4, 5, 2), zeros(5, 3))).toThrow(new ShapeError('RNN: For batched 3-D input, hx should also be 3-D but got 2-D tensor'));
    expect(() => new RNN(2, 3).call(zeros(4, 2), zeros(1, 5, 3))).toThrow(new ShapeError('RNN: For unbatched 2-D input, hx should also be 2-D but got 3-D tensor'));
    const lstm = new LSTM(2, 3);
    expect(() => lstm.call(zeros(4, 5, 2), [zeros(1, 5, 3), zeros(5, 3)])).toThrow(new ShapeError('LSTM: For batched 3-D input, hx and cx should also be 3-D but got (3-D, 2-D) tensors'));
    expect(() => lstm.call(zeros(4, 5, 2), [zeros(1, 5, 3), zeros(1, 5, 4)])).toThrow(new ShapeError('LSTM: Expected hidden[1] size (1, 5, 3), got [1, 5, 4]'));
  });
});

describe('RNNCell, LSTMCell and GRUCell', () => {
  it('have weight_ih, weight_hh, bias_ih, bias_hh with PyTorch shapes', () => {
    const shapes = (m: Module) => Object.entries(m.stateDict()).map(([k, v]) => [k, v.shape]);
    expect(shapes(new LSTMCell(2, 3))).toEqual([['weight_ih', [12, 2]], ['weight_hh', [12, 3]], ['bias_ih', [12]], ['bias_hh', [12]]]);
    expect(shapes(new GRUCell(2, 3))).toEqual([['weight_ih', [9, 2]], ['weight_hh', [9, 3]], ['bias_ih', [9]], ['bias_hh', [9]]]);
    expect(shapes(new RNNCell(2, 3, { bias: false }))).toEqual([['weight_ih', [3, 2]], ['weight_hh', [3, 3]]]);
  });

  it("reproduces PyTorch's initial weights bit for bit for the same seed", () => {
    manualSeed(0);
    const cell = new LSTMCell(2, 3);
    // torch.manual_seed(0); c = nn.LSTMCell(2, 3); c.weight_ih.flatten()[:4], c.bias_hh[-2:]
    expect(values(cell.weight_ih).slice(0, 4)).toEqual([-0.004322517663240433, 0.3097158372402191, -0.4751853346824646, -0.4248946011066437]);
    expect(values(cell.bias_hh!).slice(10)).toEqual([0.438993901014328, -0.5759230256080627]);
  });

  it('pass gradcheck in float64', () => {
    const x = randn(2, 3, { dtype: 'float64', requiresGrad: true });
    const h = randn(2, 2, { dtype: 'float64', requiresGrad: true });
    const c = randn(2, 2, { dtype: 'float64', requiresGrad: true });
    const rnn = new RNNCell(3, 2).double();
    const relu = new RNNCell(3, 2, { nonlinearity: 'relu' }).double();
    const lstm = new LSTMCell(3, 2).double();
    const gru = new GRUCell(3, 2).double();
    expect(gradcheck((x: Tensor, h: Tensor) => rnn.call(x, h), [x, h])).toBe(true);
    expect(gradcheck((x: Tensor, h: Tensor) => relu.call(x, h), [x, h])).toBe(true);
    expect(gradcheck((x: Tensor, h: Tensor, c: Tensor) => lstm.call(x, [h, c]), [x, h, c])).toBe(true);
    expect(gradcheck((x: Tensor, h: Tensor) => gru.call(x, h), [x, h])).toBe(true);
    expect(gradcheck(() => gru.call(x, h), [...gru.parameters()])).toBe(true);
    expect(gradcheck(() => lstm.call(x, [h, c]), [...lstm.parameters()])).toBe(true);
  });

  it('accept unbatched input and start from zeros', () => {
    const cell = new GRUCell(3, 2);
    const x = randn(3);
    expect(cell.call(x).shape).toEqual([2]);
    assertClose(cell.call(x), cell.call(x.unsqueeze(0), zeros(1, 2)).squeeze(0));
    const [h, c] = new LSTMCell(3, 2).call(x);
    expect([h.shape, c.shape]).toEqual([[2], [2]]);
  });

  it('print PyTorch\'s extra_repr', () => {
    expect(new RNNCell(2, 3, { nonlinearity: 'relu', bias: false }).toString()).toBe('RNNCell(2, 3, bias=False, nonlinearity=relu)');
    expect(new LSTMCell(2, 3).toString()).toBe('LSTMCell(2, 3)');
  });

  it('reject inputs and states of the wrong rank or size', () => {
    const cell = new RNNCell(2, 3);
    expect(() => cell.call(zeros(4, 5))).toThrow(new ShapeError('RNNCell: input has inconsistent input_size: got 5 expected 2'));
    expect(() => cell.call(zeros(1, 4, 2))).toThrow(new ShapeError('RNNCell: Expected input to be 1D or 2D, got 3D instead'));
    expect(() => cell.call(zeros(4, 2), zeros(5, 3))).toThrow(new ShapeError("RNNCell: Input batch size 4 doesn't match hidden0 batch size 5"));
    expect(() => cell.call(zeros(4, 2), zeros(4, 4))).toThrow(new ShapeError('RNNCell: hidden0 has inconsistent hidden_size: got 4, expected 3'));
    expect(() => cell.call(zeros(2), zeros(4, 3))).toThrow(new ShapeError('RNNCell: Expected hx to be 1D like the input, got 2D instead'));
    expect(() => new LSTMCell(2, 3).call(zeros(4, 2), [zeros(4, 3), zeros(4, 4)])).toThrow(new ShapeError('LSTMCell: hidden1 has inconsistent hidden_size: got 4, expected 3'));
    expect(() => new GRUCell(2, 3).call(zeros(4, 2, { dtype: 'float64' }))).toThrow(new DTypeError('GRUCell: input must have the type float32, got type float64'));
    expect(() => new RNNCell(2, 3, { nonlinearity: 'gelu' as 'relu' })).toThrow(new InvalidArgumentError('RNNCell: Unknown nonlinearity: gelu'));
  });
});
