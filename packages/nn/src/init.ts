/**
 * `init`: fill a tensor in place from a distribution (PyTorch's `torch.nn.init`). Every function
 * runs without recording gradients, draws from the default generator unless given one (so, for a
 * seed, the same numbers as PyTorch for float32 tensors), and returns the tensor.
 *
 * @example
 * ```ts
 * init.kaimingNormal_(conv.weight, { mode: 'fan_out', nonlinearity: 'relu' });
 * init.zeros_(conv.bias!);
 * ```
 * @packageDocumentation
 */
import { empty, erf, eye, formatShape, type Generator, InvalidArgumentError, noGrad, ShapeError, type Tensor, tensor as makeTensor } from '@torchlet/autograd';

/** Which generator to draw from (the default one unless told). */
export interface InitOptions {
  generator?: Generator;
}

/** A nonlinearity {@link calculateGain} knows. */
export type Nonlinearity =
  | 'linear'
  | 'conv1d'
  | 'conv2d'
  | 'conv3d'
  | 'conv_transpose1d'
  | 'conv_transpose2d'
  | 'conv_transpose3d'
  | 'sigmoid'
  | 'tanh'
  | 'relu'
  | 'leaky_relu'
  | 'selu';

const LINEAR_FUNCTIONS = new Set(['linear', 'conv1d', 'conv2d', 'conv3d', 'conv_transpose1d', 'conv_transpose2d', 'conv_transpose3d']);

/**
 * The recommended gain for a nonlinearity: 1 for linear layers and sigmoid, 5/3 for tanh, √2 for
 * relu, √(2/(1 + slope²)) for leaky_relu (`param` is the slope, default 0.01) and 3/4 for selu.
 */
export function calculateGain(nonlinearity: Nonlinearity, param?: number | null): number {
  if (LINEAR_FUNCTIONS.has(nonlinearity) || nonlinearity === 'sigmoid') return 1;
  if (nonlinearity === 'tanh') return 5.0 / 3;
  if (nonlinearity === 'relu') return Math.sqrt(2.0);
  if (nonlinearity === 'selu') return 3.0 / 4;
  if (nonlinearity === 'leaky_relu') {
    const slope = param ?? 0.01;
    if (typeof slope !== 'number' || !Number.isFinite(slope)) throw new InvalidArgumentError(`calculateGain: negative_slope ${String(param)} not a valid number`);
    return Math.sqrt(2.0 / (1 + slope ** 2));
  }
  throw new InvalidArgumentError(`calculateGain: Unsupported nonlinearity ${String(nonlinearity)}`);
}

/**
 * fan_in = size(1)·receptive field and fan_out = size(0)·receptive field, the receptive field
 * being the product of the dims after the first two (a conv kernel's size).
 */
export function calculateFanInAndFanOut(tensor: Tensor): { fanIn: number; fanOut: number } {
  if (tensor.ndim < 2) {
    throw new ShapeError(`calculateFanInAndFanOut: Fan in and fan out can not be computed for tensor with fewer than 2 dimensions, got ${formatShape(tensor.shape)}`);
  }
  const receptiveField = tensor.shape.slice(2).reduce((a, b) => a * b, 1);
  return { fanIn: tensor.shape[1]! * receptiveField, fanOut: tensor.shape[0]! * receptiveField };
}

function correctFan(op: string, tensor: Tensor, mode: string): number {
  const lower = mode.toLowerCase();
  if (lower !== 'fan_in' && lower !== 'fan_out') {
    throw new InvalidArgumentError(`${op}: Mode ${mode} not supported, please use one of ['fan_in', 'fan_out']`);
  }
  const { fanIn, fanOut } = calculateFanInAndFanOut(tensor);
  return lower === 'fan_in' ? fanIn : fanOut;
}

/** Fills `tensor` with U(a, b) (defaults a = 0, b = 1). */
export function uniform_(tensor: Tensor, options: InitOptions & { a?: number; b?: number } = {}): Tensor {
  const { a = 0, b = 1, generator } = options;
  return noGrad(() => tensor.uniform_(a, b, { generator }));
}

/** Fills `tensor` with N(mean, std²) (defaults 0 and 1). */
export function normal_(tensor: Tensor, options: InitOptions & { mean?: number; std?: number } = {}): Tensor {
  const { mean = 0, std = 1, generator } = options;
  return noGrad(() => tensor.normal_(mean, std, { generator }));
}

/** Fills `tensor` with `value`. */
export function constant_(tensor: Tensor, value: number): Tensor {
  return noGrad(() => tensor.fill_(value));
}

/** Fills `tensor` with ones. */
export function ones_(tensor: Tensor): Tensor {
  return constant_(tensor, 1);
}

/** Fills `tensor` with zeros. */
export function zeros_(tensor: Tensor): Tensor {
  return noGrad(() => tensor.zero_());
}

/** Fills a 2-d `tensor` with the identity matrix (ones on the diagonal, zeros elsewhere). */
export function eye_(tensor: Tensor): Tensor {
  if (tensor.ndim !== 2) throw new ShapeError(`eye_: Only tensors with 2 dimensions are supported, got ${formatShape(tensor.shape)}`);
  return noGrad(() => tensor.copy_(eye(tensor.shape[0]!, tensor.shape[1]!, { dtype: tensor.dtype })));
}

/**
 * Glorot/Xavier uniform: U(−a, a) with a = gain·√(6/(fan_in + fan_out)) (Glorot & Bengio, 2010,
 * "Understanding the difficulty of training deep feedforward neural networks").
 */
export function xavierUniform_(tensor: Tensor, options: InitOptions & { gain?: number } = {}): Tensor {
  const { fanIn, fanOut } = calculateFanInAndFanOut(tensor);
  const std = (options.gain ?? 1) * Math.sqrt(2.0 / (fanIn + fanOut));
  const a = Math.sqrt(3.0) * std;
  return uniform_(tensor, { a: -a, b: a, generator: options.generator });
}

/** Glorot/Xavier normal: N(0, std²) with std = gain·√(2/(fan_in + fan_out)). */
export function xavierNormal_(tensor: Tensor, options: InitOptions & { gain?: number } = {}): Tensor {
  const { fanIn, fanOut } = calculateFanInAndFanOut(tensor);
  const std = (options.gain ?? 1) * Math.sqrt(2.0 / (fanIn + fanOut));
  return normal_(tensor, { mean: 0, std, generator: options.generator });
}

/** Options of {@link kaimingUniform_} and {@link kaimingNormal_}. */
export interface KaimingOptions extends InitOptions {
  /** The negative slope of the following leaky_relu (default 0). */
  a?: number;
  /** Preserve the variance of the forward pass (`'fan_in'`, default) or of the backward pass (`'fan_out'`). */
  mode?: 'fan_in' | 'fan_out';
  /** The following nonlinearity (default `'leaky_relu'`). */
  nonlinearity?: Nonlinearity;
}

function kaimingStd(op: string, tensor: Tensor, options: KaimingOptions): number {
  const fan = correctFan(op, tensor, options.mode ?? 'fan_in');
  return calculateGain(options.nonlinearity ?? 'leaky_relu', options.a ?? 0) / Math.sqrt(fan);
}

/**
 * He/Kaiming uniform: U(−bound, bound) with bound = gain·√(3/fan) (He et al., 2015, "Delving Deep
 * into Rectifiers"). Layers use `a = √5`, which gives bound = 1/√fan_in. A tensor with no
 * elements is left as is.
 */
export function kaimingUniform_(tensor: Tensor, options: KaimingOptions = {}): Tensor {
  if (tensor.shape.includes(0)) return tensor;
  const bound = Math.sqrt(3.0) * kaimingStd('kaimingUniform_', tensor, options);
  return uniform_(tensor, { a: -bound, b: bound, generator: options.generator });
}

/** He/Kaiming normal: N(0, std²) with std = gain/√fan. A tensor with no elements is left as is. */
export function kaimingNormal_(tensor: Tensor, options: KaimingOptions = {}): Tensor {
  if (tensor.shape.includes(0)) return tensor;
  const std = kaimingStd('kaimingNormal_', tensor, options);
  return normal_(tensor, { mean: 0, std, generator: options.generator });
}

/**
 * Q of the QR decomposition of the m×n (m ≥ n) row-major `a`, with R's diagonal made positive:
 * modified Gram–Schmidt, run twice over each column for orthogonality to working precision.
 */
function orthonormalColumns(a: Float64Array, m: number, n: number): Float64Array {
  const q = Float64Array.from(a);
  for (let j = 0; j < n; j++) {
    for (let pass = 0; pass < 2; pass++) {
      for (let k = 0; k < j; k++) {
        let dot = 0;
        for (let i = 0; i < m; i++) dot += q[i * n + k]! * q[i * n + j]!;
        for (let i = 0; i < m; i++) q[i * n + j]! -= dot * q[i * n + k]!;
      }
    }
    let norm = 0;
    for (let i = 0; i < m; i++) norm += q[i * n + j]! ** 2;
    norm = Math.sqrt(norm);
    for (let i = 0; i < m; i++) q[i * n + j] = norm === 0 ? 0 : q[i * n + j]! / norm;
  }
  return q;
}

/**
 * A (semi-)orthogonal matrix times `gain` (Saxe et al., 2013, "Exact solutions to the nonlinear
 * dynamics of learning in deep linear neural networks"): the Q of the QR decomposition of a
 * standard normal matrix, signs fixed so R's diagonal is positive, as PyTorch does. Dims after
 * the first are flattened.
 */
export function orthogonal_(tensor: Tensor, options: InitOptions & { gain?: number } = {}): Tensor {
  if (tensor.ndim < 2) throw new ShapeError(`orthogonal_: Only tensors with 2 or more dimensions are supported, got ${formatShape(tensor.shape)}`);
  if (tensor.numel() === 0) return tensor;
  const rows = tensor.shape[0]!;
  const cols = tensor.numel() / rows;
  const flattened = empty([rows, cols], { dtype: tensor.dtype }).normal_(0, 1, { generator: options.generator });
  // Tall matrices factor as they are; wide ones through their transpose.
  const source = rows < cols ? flattened.t() : flattened;
  const [m, n] = source.shape as [number, number];
  const q = makeTensor(orthonormalColumns(Float64Array.from(source.toTypedArray() as ArrayLike<number>), m, n), { dtype: 'float64' }).reshape(m, n);
  const result = rows < cols ? q.t() : q;
  return noGrad(() => tensor.copy_(result.reshape(...tensor.shape)).mul_(options.gain ?? 1));
}

/** Inverse error function: PyTorch's rational first guess, then two Newton steps in float64. */
function erfinv(y: Float64Array): Tensor {
  const guess = y.map((v) => {
    const magnitude = Math.abs(v);
    if (magnitude > 1) return NaN;
    if (magnitude === 1) return Math.sign(v) * Infinity;
    if (magnitude <= 0.7) {
      const z = v * v;
      const numerator = ((-0.140543331 * z + 0.914624893) * z - 1.645349621) * z + 0.886226899;
      const denominator = (((0.012229801 * z - 0.329097515) * z + 1.442710462) * z - 2.118377725) * z + 1;
      return (v * numerator) / denominator;
    }
    const z = Math.sqrt(-Math.log((1 - magnitude) / 2));
    const numerator = ((1.641345311 * z + 3.429567803) * z - 1.624906493) * z - 1.970840454;
    return (Math.sign(v) * numerator) / ((1.6370678 * z + 3.5438892) * z + 1);
  });
  const target = makeTensor(y, { dtype: 'float64' });
  let x = makeTensor(guess, { dtype: 'float64' });
  const finite = x.isfinite();
  for (let step = 0; step < 2; step++) {
    const slope = x.square().neg().exp().mul(2 / Math.sqrt(Math.PI));
    x = x.sub(erf(x).sub(target).div(slope)).where(finite, x);
  }
  return x;
}

/**
 * Fills `tensor` with N(mean, std²) truncated to [a, b] (defaults 0, 1, −2, 2) by inverse-CDF
 * sampling, as PyTorch does: u ~ U(2Φ(α) − 1, 2Φ(β) − 1), then mean + std·√2·erfinv(u).
 */
export function truncNormal_(tensor: Tensor, options: InitOptions & { mean?: number; std?: number; a?: number; b?: number } = {}): Tensor {
  const { mean = 0, std = 1, a = -2, b = 2, generator } = options;
  if (!(a < b)) throw new InvalidArgumentError(`truncNormal_: the lower bound a=${a} must be less than the upper bound b=${b}`);
  if (!(std > 0)) throw new InvalidArgumentError(`truncNormal_: std must be positive, got ${std}`);
  const normalCdf = (x: number) => (1 + (erf(makeTensor([x / Math.SQRT2], { dtype: 'float64' })).item() as number)) / 2;
  const low = normalCdf((a - mean) / std);
  const high = normalCdf((b - mean) / std);
  return noGrad(() => {
    tensor.uniform_(2 * low - 1, 2 * high - 1, { generator });
    const uniform = Float64Array.from(tensor.contiguous().toTypedArray() as ArrayLike<number>);
    // Rounded to the tensor's dtype after each step, as PyTorch's in-place ops are.
    tensor.copy_(erfinv(uniform).reshape([...tensor.shape]));
    return tensor.mul_(std * Math.sqrt(2)).add_(mean).clamp_(a, b);
  });
}
