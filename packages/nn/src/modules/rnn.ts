/**
 * Recurrent layers (RNN, LSTM, GRU) and their single-step cells (RNNCell, LSTMCell, GRUCell), with
 * PyTorch's parameter names, order, shapes and initialisation. The gate math lives in
 * `functional/recurrent.ts`; this file handles shapes, directions, layers and dropout.
 */
import {
  cat,
  type DType,
  DTypeError,
  empty,
  InvalidArgumentError,
  noGrad,
  ShapeError,
  stack,
  type Tensor,
  zeros,
} from '@torchlet/autograd';
import { formatFloat } from '../arguments.js';
import * as F from '../functional/layers.js';
import { gruCell, lstmCell, rnnCell } from '../functional/recurrent.js';
import { Module } from '../module.js';
import { Parameter } from '../parameter.js';

/** PyTorch's `RNNBase.mode`: which cell a recurrent layer runs. */
export type RNNMode = 'RNN_TANH' | 'RNN_RELU' | 'LSTM' | 'GRU';

const GATES: Record<RNNMode, number> = { RNN_TANH: 1, RNN_RELU: 1, LSTM: 4, GRU: 3 };

/** Options shared by {@link RNN}, {@link LSTM} and {@link GRU}. */
export interface RNNBaseOptions {
  /** Stacked recurrent layers (default 1). */
  numLayers?: number;
  /** Use `bias_ih`/`bias_hh` (default true). */
  bias?: boolean;
  /** Input and output are [batch, seq, feature] instead of [seq, batch, feature] (default false). */
  batchFirst?: boolean;
  /** Dropout probability on the outputs of every layer but the last, in training (default 0). */
  dropout?: number;
  /** Run a second, reversed direction and concatenate its outputs (default false). */
  bidirectional?: boolean;
  /** Parameter dtype (float32 unless told). */
  dtype?: DType;
}

/** Options of {@link RNN}. */
export interface RNNOptions extends RNNBaseOptions {
  /** `'tanh'` (default) or `'relu'`. */
  nonlinearity?: 'tanh' | 'relu';
}

/** The weights of one layer and direction, as the cell functions take them. */
interface CellWeights {
  weightIh: Parameter;
  weightHh: Parameter;
  biasIh: Parameter | null;
  biasHh: Parameter | null;
}

/** Python's tuple and list forms of a shape, as PyTorch's messages print them. */
const tuple = (shape: readonly number[]): string => `(${shape.join(', ')}${shape.length === 1 ? ',' : ''})`;
const list = (shape: readonly number[]): string => `[${shape.join(', ')}]`;

function checkPositiveInteger(layer: string, name: string, value: number): void {
  if (!Number.isInteger(value) || value <= 0) throw new InvalidArgumentError(`${layer}: ${name} must be greater than zero, got ${value}`);
}

/** A new parameter of `shape` drawn from U(−bound, bound). */
function uniformParameter(shape: readonly number[], bound: number, dtype: DType = 'float32'): Parameter {
  return new Parameter(empty([...shape], { dtype }).uniform_(-bound, bound));
}

/**
 * The shared machinery of RNN, LSTM and GRU (PyTorch's `RNNBase`): parameters
 * `weight_ih_l{k}`, `weight_hh_l{k}`, `bias_ih_l{k}`, `bias_hh_l{k}` (then the same with
 * `_reverse` when bidirectional), layer by layer, all drawn from U(±1/√hiddenSize) in that order.
 */
export abstract class RNNBase extends Module {
  readonly mode: RNNMode;
  readonly inputSize: number;
  readonly hiddenSize: number;
  readonly numLayers: number;
  readonly bias: boolean;
  readonly batchFirst: boolean;
  readonly dropout: number;
  readonly bidirectional: boolean;
  /** Parameter names in registration order (PyTorch's `_flat_weights_names`). */
  readonly flatWeightsNames: readonly string[];

  constructor(mode: RNNMode, inputSize: number, hiddenSize: number, options: RNNBaseOptions = {}) {
    super();
    const name = new.target.name;
    const { numLayers = 1, bias = true, batchFirst = false, dropout = 0, bidirectional = false } = options;
    if (typeof dropout !== 'number' || !(dropout >= 0 && dropout <= 1)) {
      throw new InvalidArgumentError(`${name}: dropout should be a number in range [0, 1] representing the probability of an element being zeroed, got ${dropout}`);
    }
    checkPositiveInteger(name, 'inputSize', inputSize);
    checkPositiveInteger(name, 'hiddenSize', hiddenSize);
    checkPositiveInteger(name, 'numLayers', numLayers);
    this.mode = mode;
    this.inputSize = inputSize;
    this.hiddenSize = hiddenSize;
    this.numLayers = numLayers;
    this.bias = bias;
    this.batchFirst = batchFirst;
    this.dropout = dropout;
    this.bidirectional = bidirectional;
    const gateSize = GATES[mode] * hiddenSize;
    const directions = bidirectional ? 2 : 1;
    const bound = 1 / Math.sqrt(hiddenSize);
    const names: string[] = [];
    for (let layer = 0; layer < numLayers; layer++) {
      const layerInputSize = layer === 0 ? inputSize : hiddenSize * directions;
      for (let direction = 0; direction < directions; direction++) {
        const suffix = `_l${layer}${direction === 1 ? '_reverse' : ''}`;
        const shapes: [string, number[]][] = [
          [`weight_ih${suffix}`, [gateSize, layerInputSize]],
          [`weight_hh${suffix}`, [gateSize, hiddenSize]],
          ...(bias ? ([[`bias_ih${suffix}`, [gateSize]], [`bias_hh${suffix}`, [gateSize]]] as [string, number[]][]) : []),
        ];
        for (const [parameterName, shape] of shapes) {
          // PyTorch creates every parameter, then draws them in this same order in reset_parameters.
          this.registerParameter(parameterName, uniformParameter(shape, bound, options.dtype));
          names.push(parameterName);
        }
      }
    }
    this.flatWeightsNames = names;
  }

  /** Redraws every weight and bias from U(±1/√hiddenSize), in registration order. */
  resetParameters(): void {
    const bound = 1 / Math.sqrt(this.hiddenSize);
    noGrad(() => {
      for (const p of this.parameters()) p.uniform_(-bound, bound);
    });
  }

  /** The parameters of each layer and direction, in order (PyTorch's `all_weights`). */
  get allWeights(): Parameter[][] {
    const perCell = this.bias ? 4 : 2;
    const record = this as unknown as Record<string, Parameter>;
    const groups: Parameter[][] = [];
    for (let i = 0; i < this.flatWeightsNames.length; i += perCell) {
      groups.push(this.flatWeightsNames.slice(i, i + perCell).map((n) => record[n]!));
    }
    return groups;
  }

  /** One time step: the new state (h first) from the input and the previous state. */
  protected abstract step(x: Tensor, state: Tensor[], weights: CellWeights): Tensor[];

  /**
   * Runs every layer and direction over `input`, from `hx` (one tensor per state: [h] or [h, c],
   * each [D·numLayers, batch, H], or null for zeros). Returns the output and the final states.
   */
  protected run(input: Tensor, hx: readonly Tensor[] | null): [Tensor, Tensor[]] {
    const name = this.constructor.name;
    if (input.ndim !== 2 && input.ndim !== 3) throw new ShapeError(`${name}: Expected input to be 2D or 3D, got ${input.ndim}D instead`);
    const batched = input.ndim === 3;
    const batchDim = this.batchFirst ? 0 : 1;
    const stateDims = batched ? 3 : 2;
    if (hx !== null && hx.some((h) => h.ndim !== stateDims)) {
      const which = hx.length === 1 ? `hx should also be ${stateDims}-D but got ${hx[0]!.ndim}-D tensor` : `hx and cx should also be ${stateDims}-D but got (${hx.map((h) => `${h.ndim}-D`).join(', ')}) tensors`;
      throw new ShapeError(`${name}: For ${batched ? 'batched 3-D' : 'unbatched 2-D'} input, ${which}`);
    }
    let x = batched ? input : input.unsqueeze(batchDim);
    const weightDType: DType = this.allWeights[0]![0]!.dtype;
    if (x.dtype !== weightDType) throw new DTypeError(`${name}: input must have the type ${weightDType}, got type ${x.dtype}`);
    if (x.shape[2] !== this.inputSize) {
      throw new ShapeError(`${name}: input.size(-1) must be equal to input_size. Expected ${this.inputSize}, got ${x.shape[2]}`);
    }
    if (this.batchFirst) x = x.transpose(0, 1);
    const [seqLen, batch] = x.shape as [number, number];
    if (seqLen === 0) throw new ShapeError(`${name}: Expected sequence length to be larger than 0 in RNN`);
    const directions = this.bidirectional ? 2 : 1;
    const expected = [this.numLayers * directions, batch, this.hiddenSize];
    const initial = hx === null ? (this.mode === 'LSTM' ? [0, 1] : [0]).map(() => zeros(expected, { dtype: x.dtype })) : hx.map((h) => (batched ? h : h.unsqueeze(1)));
    initial.forEach((h, i) => {
      if (h.ndim !== 3 || h.shape.some((s, d) => s !== expected[d])) {
        const label = initial.length === 1 ? 'hidden' : `hidden[${i}]`;
        throw new ShapeError(`${name}: Expected ${label} size ${tuple(expected)}, got ${list(h.shape)}`);
      }
    });

    const finals: Tensor[][] = initial.map(() => []);
    const all = this.allWeights;
    let layerInput = x;
    for (let layer = 0; layer < this.numLayers; layer++) {
      const steps = layerInput.unbind(0);
      const outputs: Tensor[] = [];
      for (let direction = 0; direction < directions; direction++) {
        const cell = layer * directions + direction;
        const [weightIh, weightHh, biasIh = null, biasHh = null] = all[cell]!;
        const weights: CellWeights = { weightIh: weightIh!, weightHh: weightHh!, biasIh, biasHh };
        let state = initial.map((h) => h.select(0, cell));
        const hs: Tensor[] = new Array<Tensor>(seqLen);
        for (let k = 0; k < seqLen; k++) {
          const t = direction === 1 ? seqLen - 1 - k : k;
          state = this.step(steps[t]!, state, weights);
          hs[t] = state[0]!;
        }
        outputs.push(stack(hs, 0));
        state.forEach((s, i) => finals[i]!.push(s));
      }
      layerInput = directions === 1 ? outputs[0]! : cat(outputs, 2);
      if (this.training && this.dropout > 0 && layer < this.numLayers - 1) layerInput = F.dropout(layerInput, { p: this.dropout });
    }
    let output = this.batchFirst ? layerInput.transpose(0, 1) : layerInput;
    let states = finals.map((f) => stack(f, 0));
    if (!batched) {
      output = output.squeeze(batchDim);
      states = states.map((s) => s.squeeze(1));
    }
    return [output, states];
  }

  /** PyTorch's extra_repr: `10, 20, num_layers=2, batch_first=True`, listing non-defaults. */
  override extraRepr(): string {
    let s = `${this.inputSize}, ${this.hiddenSize}`;
    if (this.numLayers !== 1) s += `, num_layers=${this.numLayers}`;
    if (!this.bias) s += ', bias=False';
    if (this.batchFirst) s += ', batch_first=True';
    if (this.dropout !== 0) s += `, dropout=${formatFloat(this.dropout)}`;
    if (this.bidirectional) s += ', bidirectional=True';
    return s;
  }
}

/**
 * A multi-layer Elman RNN: h_t = act(x_t·W_ihᵀ + b_ih + h_{t−1}·W_hhᵀ + b_hh), act tanh or relu.
 * `forward(input, h0?)` returns `[output, h_n]`: output [seq, batch, D·H] (or batch-first) holds
 * the last layer's hidden state at every step; h_n [D·numLayers, batch, H] the final states.
 *
 * @example
 * ```ts
 * const rnn = new RNN(10, 20, { numLayers: 2 });
 * const [output, hn] = rnn.call(randn(5, 3, 10)); // [5, 3, 20], [2, 3, 20]
 * ```
 */
export class RNN extends RNNBase {
  readonly nonlinearity: 'tanh' | 'relu';

  constructor(inputSize: number, hiddenSize: number, options: RNNOptions = {}) {
    const nonlinearity = options.nonlinearity ?? 'tanh';
    if (nonlinearity !== 'tanh' && nonlinearity !== 'relu') throw new InvalidArgumentError(`RNN: Unknown nonlinearity '${String(nonlinearity)}'`);
    super(nonlinearity === 'tanh' ? 'RNN_TANH' : 'RNN_RELU', inputSize, hiddenSize, options);
    this.nonlinearity = nonlinearity;
  }

  protected override step(x: Tensor, [h]: Tensor[], w: CellWeights): Tensor[] {
    return [rnnCell(x, h!, w.weightIh, w.weightHh, w.biasIh, w.biasHh, { nonlinearity: this.nonlinearity })];
  }

  /** Runs the RNN over `input` ([seq, batch, inputSize], batch-first, or unbatched [seq, inputSize]). */
  override forward(input: Tensor, hx: Tensor | null = null): [Tensor, Tensor] {
    const [output, [h]] = this.run(input, hx === null ? null : [hx]);
    return [output, h!];
  }
}

/**
 * A multi-layer LSTM with PyTorch's gate order i, f, g, o (see `lstmCell`). `forward(input,
 * [h0, c0]?)` returns `[output, [h_n, c_n]]`.
 *
 * @example
 * ```ts
 * const lstm = new LSTM(10, 20, { numLayers: 2, batchFirst: true });
 * const [output, [hn, cn]] = lstm.call(randn(3, 5, 10)); // [3, 5, 20], [2, 3, 20], [2, 3, 20]
 * ```
 */
export class LSTM extends RNNBase {
  constructor(inputSize: number, hiddenSize: number, options: RNNBaseOptions = {}) {
    super('LSTM', inputSize, hiddenSize, options);
  }

  protected override step(x: Tensor, [h, c]: Tensor[], w: CellWeights): Tensor[] {
    return lstmCell(x, [h!, c!], w.weightIh, w.weightHh, w.biasIh, w.biasHh);
  }

  /** Runs the LSTM over `input` from `[h0, c0]` (zeros when omitted). */
  override forward(input: Tensor, hx: readonly [Tensor, Tensor] | null = null): [Tensor, [Tensor, Tensor]] {
    const [output, [h, c]] = this.run(input, hx);
    return [output, [h!, c!]];
  }
}

/**
 * A multi-layer GRU with PyTorch's gate order r, z, n (see `gruCell`). `forward(input, h0?)`
 * returns `[output, h_n]`.
 */
export class GRU extends RNNBase {
  constructor(inputSize: number, hiddenSize: number, options: RNNBaseOptions = {}) {
    super('GRU', inputSize, hiddenSize, options);
  }

  protected override step(x: Tensor, [h]: Tensor[], w: CellWeights): Tensor[] {
    return [gruCell(x, h!, w.weightIh, w.weightHh, w.biasIh, w.biasHh)];
  }

  /** Runs the GRU over `input` from `h0` (zeros when omitted). */
  override forward(input: Tensor, hx: Tensor | null = null): [Tensor, Tensor] {
    const [output, [h]] = this.run(input, hx === null ? null : [hx]);
    return [output, h!];
  }
}

// ---- Cells --------------------------------------------------------------------------------------

/** Options of {@link LSTMCell} and {@link GRUCell} (and, with a nonlinearity, {@link RNNCell}). */
export interface RNNCellBaseOptions {
  /** Use `bias_ih` and `bias_hh` (default true). */
  bias?: boolean;
  /** Parameter dtype (float32 unless told). */
  dtype?: DType;
}

/**
 * The shared parameters of the cells (PyTorch's `RNNCellBase`): `weight_ih` [G·H, inputSize],
 * `weight_hh` [G·H, H], `bias_ih` and `bias_hh` [G·H] (null without bias), all U(±1/√H).
 */
export abstract class RNNCellBase extends Module {
  readonly inputSize: number;
  readonly hiddenSize: number;
  readonly bias: boolean;
  weight_ih: Parameter;
  weight_hh: Parameter;
  bias_ih: Parameter | null;
  bias_hh: Parameter | null;

  constructor(inputSize: number, hiddenSize: number, options: RNNCellBaseOptions, gates: number) {
    super();
    checkPositiveInteger(new.target.name, 'inputSize', inputSize);
    checkPositiveInteger(new.target.name, 'hiddenSize', hiddenSize);
    this.inputSize = inputSize;
    this.hiddenSize = hiddenSize;
    const { bias = true, dtype } = options;
    this.bias = bias;
    const bound = 1 / Math.sqrt(hiddenSize);
    this.weight_ih = uniformParameter([gates * hiddenSize, inputSize], bound, dtype);
    this.weight_hh = uniformParameter([gates * hiddenSize, hiddenSize], bound, dtype);
    this.bias_ih = bias ? uniformParameter([gates * hiddenSize], bound, dtype) : null;
    this.bias_hh = bias ? uniformParameter([gates * hiddenSize], bound, dtype) : null;
  }

  /** Redraws every parameter from U(±1/√hiddenSize), in registration order. */
  resetParameters(): void {
    const bound = 1 / Math.sqrt(this.hiddenSize);
    noGrad(() => {
      for (const p of this.parameters()) p.uniform_(-bound, bound);
    });
  }

  /**
   * Checks `input` and the states, and brings them to 2-D: returns the batched input, the batched
   * states (zeros when absent) and whether the input was batched.
   */
  protected prepare(input: Tensor, states: readonly (Tensor | undefined)[] | null, labels: readonly string[]): [Tensor, Tensor[], boolean] {
    const name = this.constructor.name;
    if (input.ndim !== 1 && input.ndim !== 2) throw new ShapeError(`${name}: Expected input to be 1D or 2D, got ${input.ndim}D instead`);
    const batched = input.ndim === 2;
    const x = batched ? input : input.unsqueeze(0);
    if (x.dtype !== this.weight_ih.dtype) throw new DTypeError(`${name}: input must have the type ${this.weight_ih.dtype}, got type ${x.dtype}`);
    if (x.shape[1] !== this.inputSize) throw new ShapeError(`${name}: input has inconsistent input_size: got ${x.shape[1]} expected ${this.inputSize}`);
    const batch = x.shape[0]!;
    const hs = labels.map((label, i) => {
      const h = states?.[i];
      if (h === undefined) return zeros([batch, this.hiddenSize], { dtype: x.dtype });
      if (h.ndim !== input.ndim) throw new ShapeError(`${name}: Expected ${label} to be ${input.ndim}D like the input, got ${h.ndim}D instead`);
      const h2 = batched ? h : h.unsqueeze(0);
      if (h2.shape[0] !== batch) throw new ShapeError(`${name}: Input batch size ${batch} doesn't match hidden${i} batch size ${h2.shape[0]}`);
      if (h2.shape[1] !== this.hiddenSize) throw new ShapeError(`${name}: hidden${i} has inconsistent hidden_size: got ${h2.shape[1]}, expected ${this.hiddenSize}`);
      return h2;
    });
    return [x, hs, batched];
  }

  /** PyTorch's extra_repr: `10, 20`, then `bias=False` and a non-tanh nonlinearity. */
  override extraRepr(): string {
    let s = `${this.inputSize}, ${this.hiddenSize}`;
    if (!this.bias) s += ', bias=False';
    return s;
  }
}

/** Options of {@link RNNCell}. */
export interface RNNCellOptions extends RNNCellBaseOptions {
  /** `'tanh'` (default) or `'relu'`. */
  nonlinearity?: 'tanh' | 'relu';
}

/**
 * One step of an Elman RNN (see `rnnCell`). `forward(input, hx?)` takes [batch, inputSize] (or
 * unbatched [inputSize]) and returns the next hidden state.
 *
 * @example
 * ```ts
 * const cell = new RNNCell(10, 20);
 * let h = zeros(3, 20);
 * for (const x of randn(6, 3, 10).unbind(0)) h = cell.call(x, h);
 * ```
 */
export class RNNCell extends RNNCellBase {
  readonly nonlinearity: 'tanh' | 'relu';

  constructor(inputSize: number, hiddenSize: number, options: RNNCellOptions = {}) {
    const nonlinearity = options.nonlinearity ?? 'tanh';
    if (nonlinearity !== 'tanh' && nonlinearity !== 'relu') throw new InvalidArgumentError(`RNNCell: Unknown nonlinearity: ${String(nonlinearity)}`);
    super(inputSize, hiddenSize, options, 1);
    this.nonlinearity = nonlinearity;
  }

  /** The next hidden state. */
  override forward(input: Tensor, hx: Tensor | null = null): Tensor {
    const [x, [h], batched] = this.prepare(input, hx === null ? null : [hx], ['hx']);
    const out = rnnCell(x, h!, this.weight_ih, this.weight_hh, this.bias_ih, this.bias_hh, { nonlinearity: this.nonlinearity });
    return batched ? out : out.squeeze(0);
  }

  override extraRepr(): string {
    return super.extraRepr() + (this.nonlinearity === 'tanh' ? '' : `, nonlinearity=${this.nonlinearity}`);
  }
}

/** One LSTM step (see `lstmCell`): `forward(input, [h, c]?)` returns `[h', c']`. */
export class LSTMCell extends RNNCellBase {
  constructor(inputSize: number, hiddenSize: number, options: RNNCellBaseOptions = {}) {
    super(inputSize, hiddenSize, options, 4);
  }

  /** The next hidden and cell states. */
  override forward(input: Tensor, hx: readonly [Tensor, Tensor] | null = null): [Tensor, Tensor] {
    const [x, [h, c], batched] = this.prepare(input, hx, ['hx[0]', 'hx[1]']);
    const [h1, c1] = lstmCell(x, [h!, c!], this.weight_ih, this.weight_hh, this.bias_ih, this.bias_hh);
    return batched ? [h1, c1] : [h1.squeeze(0), c1.squeeze(0)];
  }
}

/** One GRU step (see `gruCell`): `forward(input, hx?)` returns the next hidden state. */
export class GRUCell extends RNNCellBase {
  constructor(inputSize: number, hiddenSize: number, options: RNNCellBaseOptions = {}) {
    super(inputSize, hiddenSize, options, 3);
  }

  /** The next hidden state. */
  override forward(input: Tensor, hx: Tensor | null = null): Tensor {
    const [x, [h], batched] = this.prepare(input, hx === null ? null : [hx], ['hx']);
    const out = gruCell(x, h!, this.weight_ih, this.weight_hh, this.bias_ih, this.bias_hh);
    return batched ? out : out.squeeze(0);
  }
}
