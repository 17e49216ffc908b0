/**
 * One time step of the recurrent cells, as functions on plain tensors (PyTorch's
 * `torch.rnn_tanh_cell`, `torch.lstm_cell`, `torch.gru_cell`). The layers (RNN, LSTM, GRU) and the
 * cells (RNNCell, LSTMCell, GRUCell) both call these, so there is one copy of the gate math. They
 * are built from differentiable ops, so autograd gives every gradient.
 *
 * Shapes: `input` [batch, inputSize], hidden states [batch, H], `weightIh` [G·H, inputSize],
 * `weightHh` [G·H, H], biases [G·H] (G = 1 for RNN, 4 for LSTM, 3 for GRU), gate rows in PyTorch's
 * order.
 */
import { relu, sigmoid, type Tensor, tanh } from '@torchlet/autograd';
import { linear } from './layers.js';

/** Options of {@link rnnCell}. */
export interface RnnCellOptions {
  /** `'tanh'` (default, `torch.rnn_tanh_cell`) or `'relu'` (`torch.rnn_relu_cell`). */
  nonlinearity?: 'tanh' | 'relu';
}

/**
 * One step of an Elman RNN: h' = act(x·W_ihᵀ + b_ih + h·W_hhᵀ + b_hh).
 *
 * @example
 * ```ts
 * const h1 = rnnCell(x, h0, wIh, wHh, bIh, bHh, { nonlinearity: 'relu' });
 * ```
 */
export function rnnCell(
  input: Tensor,
  hx: Tensor,
  weightIh: Tensor,
  weightHh: Tensor,
  biasIh: Tensor | null = null,
  biasHh: Tensor | null = null,
  options: RnnCellOptions = {},
): Tensor {
  const preactivation = linear(input, weightIh, biasIh).add(linear(hx, weightHh, biasHh));
  return (options.nonlinearity ?? 'tanh') === 'relu' ? relu(preactivation) : tanh(preactivation);
}

/**
 * One step of an LSTM, with gate blocks in PyTorch's order i, f, g, o:
 * gates = x·W_ihᵀ + b_ih + h·W_hhᵀ + b_hh; c' = σ(f)⊙c + σ(i)⊙tanh(g); h' = σ(o)⊙tanh(c').
 * Returns `[h', c']`.
 */
export function lstmCell(
  input: Tensor,
  [hx, cx]: readonly [Tensor, Tensor],
  weightIh: Tensor,
  weightHh: Tensor,
  biasIh: Tensor | null = null,
  biasHh: Tensor | null = null,
): [Tensor, Tensor] {
  const gates = linear(input, weightIh, biasIh).add(linear(hx, weightHh, biasHh));
  const [i, f, g, o] = gates.chunk(4, -1) as [Tensor, Tensor, Tensor, Tensor];
  const c = sigmoid(f).mul(cx).add(sigmoid(i).mul(tanh(g)));
  return [sigmoid(o).mul(tanh(c)), c];
}

/**
 * One step of a GRU, with gate blocks in PyTorch's order r, z, n:
 * r = σ(W_ir x + b_ir + W_hr h + b_hr), z = σ(W_iz x + b_iz + W_hz h + b_hz),
 * n = tanh(W_in x + b_in + r⊙(W_hn h + b_hn)), h' = (1 − z)⊙n + z⊙h (computed as n + z⊙(h − n),
 * as ATen does).
 */
export function gruCell(
  input: Tensor,
  hx: Tensor,
  weightIh: Tensor,
  weightHh: Tensor,
  biasIh: Tensor | null = null,
  biasHh: Tensor | null = null,
): Tensor {
  const [ir, iz, inew] = linear(input, weightIh, biasIh).chunk(3, -1) as [Tensor, Tensor, Tensor];
  const [hr, hz, hnew] = linear(hx, weightHh, biasHh).chunk(3, -1) as [Tensor, Tensor, Tensor];
  const r = sigmoid(ir.add(hr));
  const z = sigmoid(iz.add(hz));
  const n = tanh(inew.add(r.mul(hnew)));
  return n.add(z.mul(hx.sub(n)));
}
