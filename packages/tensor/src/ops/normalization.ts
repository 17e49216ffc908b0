/**
 * Batch, layer and group normalization with their backward kernels. Statistics are accumulated
 * in float64 (two passes: mean, then squared deviations) whatever the input dtype, and the
 * variance used to normalise is the biased one, as in PyTorch.
 */
import { allocate, type DType, requireFloat, type TypedArray } from '../dtype.js';
import { InvalidArgumentError, ShapeError } from '../errors/index.js';
import { contiguousData, elementOffsets } from '../iterate.js';
import { formatShape, numelOf, sameShape, type Shape } from '../shape.js';
import { Tensor } from '../tensor.js';

/** Options of {@link batchNorm}. */
export interface BatchNormOptions {
  /** Normalise with batch statistics and update the running ones (default false: use the running ones). */
  training?: boolean;
  /** Weight of the new batch statistic in the running average (default 0.1). */
  momentum?: number;
  /** Added to the variance before the square root (default 1e-5). */
  eps?: number;
}

/** Options of {@link layerNorm} and {@link groupNorm}. */
export interface NormalizationOptions {
  /** Added to the variance before the square root (default 1e-5). */
  eps?: number;
}

/** What {@link batchNorm} returns: the output and the per-channel statistics it normalised with. */
export interface BatchNormResult {
  output: Tensor;
  /** [C]: the batch mean in training, the running mean in evaluation. */
  saveMean: Tensor;
  /** [C]: 1 / sqrt(var + eps) of the batch (biased) in training, of the running variance in evaluation. */
  saveInvstd: Tensor;
}

/** What {@link layerNorm} and {@link groupNorm} return: the output and per-group statistics. */
export interface NormalizationResult {
  output: Tensor;
  mean: Tensor;
  /** 1 / sqrt(biased variance + eps). */
  rstd: Tensor;
}

/** Gradients with respect to the input and the affine parameters (shaped like the weight). */
export interface NormalizationGradients {
  gradInput: Tensor;
  gradWeight: Tensor;
  gradBias: Tensor;
}

/** The values of an optional per-feature parameter, checked to hold `count` floats (`null` when absent). */
function parameter(op: string, name: string, t: Tensor | null, count: number, what: string): TypedArray | null {
  if (t === null) return null;
  requireFloat(op, name, t.dtype);
  if (t.numel() !== count) {
    throw new ShapeError(`${op}: ${name} should contain ${count} elements (${what}), got ${formatShape(t.shape)}`);
  }
  return contiguousData(t);
}

/** Mean and biased variance of `x[start, start + length)`, in float64. */
function moments(x: TypedArray, start: number, length: number): [number, number] {
  const end = start + length;
  let sum = 0;
  for (let k = start; k < end; k++) sum += x[k]!;
  const mean = sum / length;
  let squares = 0;
  for (let k = start; k < end; k++) {
    const d = x[k]! - mean;
    squares += d * d;
  }
  return [mean, squares / length];
}

function toDType(values: Float64Array, shape: Shape, dtype: DType): Tensor {
  const out = allocate(dtype, values.length);
  out.set(values);
  return Tensor.fromData(out, shape, dtype);
}

/** Writes `values` into a tensor through its strides (the running statistics) and bumps its version. */
function writeInPlace(t: Tensor, values: Float64Array): void {
  const offsets = elementOffsets(t.shape, t.strides, t.offset);
  const data = t.storage.data;
  for (let i = 0; i < offsets.length; i++) data[offsets[i]!] = values[i]!;
  t.bumpVersion();
}

/**
 * Batch normalization over [N, C, *], like `F.batch_norm`. In training it normalises each channel
 * with the batch mean and biased variance, and updates `runningMean` and `runningVar` in place
 * (with the unbiased variance) when given; in evaluation it uses the running statistics.
 *
 * @example
 * ```ts
 * const { output } = batchNorm(x, runningMean, runningVar, weight, bias, { training: true });
 * batchNorm(x, runningMean, runningVar, weight, bias);        // evaluation
 * ```
 */
export function batchNorm(
  input: Tensor,
  runningMean: Tensor | null,
  runningVar: Tensor | null,
  weight: Tensor | null,
  bias: Tensor | null,
  options: BatchNormOptions = {},
): BatchNormResult {
  const op = 'batch_norm';
  const { training = false, momentum = 0.1, eps = 1e-5 } = options;
  requireFloat(op, 'input', input.dtype);
  if (input.ndim < 2) throw new ShapeError(`${op}: expected input with at least 2 dims [N, C, *], got ${formatShape(input.shape)}`);
  const [N, C] = input.shape as [number, number];
  const spatial = numelOf(input.shape.slice(2));
  const count = N * spatial;
  const what = `one per channel of input ${formatShape(input.shape)}`;
  const w = parameter(op, 'weight', weight, C, what);
  const b = parameter(op, 'bias', bias, C, what);
  const rm = parameter(op, 'running_mean', runningMean, C, what);
  const rv = parameter(op, 'running_var', runningVar, C, what);
  if (training && count === 1) {
    throw new InvalidArgumentError(`${op}: expected more than 1 value per channel when training, got input size ${formatShape(input.shape)}`);
  }
  if (!training && (rm === null || rv === null)) {
    throw new InvalidArgumentError(`${op}: running_mean and running_var must be defined in evaluation mode`);
  }
  const x = contiguousData(input);
  const mean = new Float64Array(C);
  const invstd = new Float64Array(C);
  if (training) {
    const variance = new Float64Array(C);
    for (let c = 0; c < C; c++) {
      let sum = 0;
      for (let n = 0; n < N; n++) {
        const start = (n * C + c) * spatial;
        for (let k = start; k < start + spatial; k++) sum += x[k]!;
      }
      const m = count > 0 ? sum / count : 0;
      let squares = 0;
      for (let n = 0; n < N; n++) {
        const start = (n * C + c) * spatial;
        for (let k = start; k < start + spatial; k++) squares += (x[k]! - m) * (x[k]! - m);
      }
      mean[c] = m;
      variance[c] = count > 0 ? squares / count : 0;
      invstd[c] = 1 / Math.sqrt(variance[c]! + eps);
    }
    // An empty batch has no statistics to fold into the running ones (PyTorch skips them too).
    if (count > 0) {
      if (runningMean !== null) {
        writeInPlace(runningMean, Float64Array.from(rm!, (r, c) => momentum * mean[c]! + (1 - momentum) * r));
      }
      if (runningVar !== null) {
        const unbiased = count / (count - 1);
        writeInPlace(runningVar, Float64Array.from(rv!, (r, c) => momentum * variance[c]! * unbiased + (1 - momentum) * r));
      }
    }
  } else {
    for (let c = 0; c < C; c++) {
      mean[c] = rm![c]!;
      invstd[c] = 1 / Math.sqrt(rv![c]! + eps);
    }
  }
  const out = allocate(input.dtype, x.length);
  for (let n = 0; n < N; n++) {
    for (let c = 0; c < C; c++) {
      const scale = invstd[c]! * (w === null ? 1 : w[c]!);
      const shift = (b === null ? 0 : b[c]!) - mean[c]! * scale;
      const start = (n * C + c) * spatial;
      for (let k = start; k < start + spatial; k++) out[k] = x[k]! * scale + shift;
    }
  }
  return {
    output: Tensor.fromData(out, input.shape, input.dtype),
    saveMean: toDType(mean, [C], input.dtype),
    saveInvstd: toDType(invstd, [C], input.dtype),
  };
}

function checkGradient(op: string, gradOutput: Tensor, input: Tensor): void {
  requireFloat(op, 'gradOutput', gradOutput.dtype);
  requireFloat(op, 'input', input.dtype);
  if (!sameShape(gradOutput.shape, input.shape)) {
    throw new ShapeError(`${op}: gradOutput ${formatShape(gradOutput.shape)} and input ${formatShape(input.shape)} differ in shape`);
  }
}

function statistic(op: string, name: string, t: Tensor, count: number, shape: Shape): TypedArray {
  requireFloat(op, name, t.dtype);
  if (t.numel() !== count) {
    throw new ShapeError(`${op}: ${name} ${formatShape(t.shape)} should hold ${count} values for input ${formatShape(shape)}`);
  }
  return contiguousData(t);
}

/**
 * Gradient of {@link batchNorm} from the statistics it returned. In training the batch statistics
 * depend on the input: `dx = w·invstd·(dy - mean(dy) - x̂·mean(dy·x̂))` per channel; in
 * evaluation they are constants: `dx = w·invstd·dy`.
 */
export function batchNormBackward(
  gradOutput: Tensor,
  input: Tensor,
  weight: Tensor | null,
  saveMean: Tensor,
  saveInvstd: Tensor,
  options: { training: boolean },
): NormalizationGradients {
  const op = 'batch_norm_backward';
  checkGradient(op, gradOutput, input);
  if (input.ndim < 2) throw new ShapeError(`${op}: expected input with at least 2 dims [N, C, *], got ${formatShape(input.shape)}`);
  const [N, C] = input.shape as [number, number];
  const spatial = numelOf(input.shape.slice(2));
  const count = N * spatial;
  const w = parameter(op, 'weight', weight, C, `one per channel of input ${formatShape(input.shape)}`);
  const mean = statistic(op, 'saveMean', saveMean, C, input.shape);
  const invstd = statistic(op, 'saveInvstd', saveInvstd, C, input.shape);
  const x = contiguousData(input);
  const dy = contiguousData(gradOutput);
  const dx = allocate(gradOutput.dtype, x.length);
  const gradWeight = new Float64Array(C);
  const gradBias = new Float64Array(C);
  for (let c = 0; c < C; c++) {
    const m = mean[c]!;
    const s = invstd[c]!;
    let sumDy = 0;
    let dotDyXc = 0;
    for (let n = 0; n < N; n++) {
      const start = (n * C + c) * spatial;
      for (let k = start; k < start + spatial; k++) {
        sumDy += dy[k]!;
        dotDyXc += dy[k]! * (x[k]! - m);
      }
    }
    gradBias[c] = sumDy;
    gradWeight[c] = dotDyXc * s;
    const scale = s * (w === null ? 1 : w[c]!);
    const meanDy = options.training ? sumDy / count : 0;
    const projection = options.training ? (dotDyXc * s * s) / count : 0;
    for (let n = 0; n < N; n++) {
      const start = (n * C + c) * spatial;
      for (let k = start; k < start + spatial; k++) dx[k] = (dy[k]! - meanDy - (x[k]! - m) * projection) * scale;
    }
  }
  return {
    gradInput: Tensor.fromData(dx, input.shape, gradOutput.dtype),
    gradWeight: toDType(gradWeight, [C], gradOutput.dtype),
    gradBias: toDType(gradBias, [C], gradOutput.dtype),
  };
}

function normalizedSizes(op: string, normalizedShape: number | readonly number[], input: Tensor): number[] {
  const shape = typeof normalizedShape === 'number' ? [normalizedShape] : [...normalizedShape];
  if (shape.length === 0) {
    throw new InvalidArgumentError(`${op}: expected normalized_shape to be at least 1-dimensional, i.e., containing at least one element, but got []`);
  }
  const tail = input.shape.slice(input.ndim - shape.length);
  if (input.ndim < shape.length || !sameShape(tail, shape)) {
    throw new ShapeError(
      `${op}: given normalized_shape=${formatShape(shape)}, expected input with shape [*, ${shape.join(', ')}], but got input of size ${formatShape(input.shape)}`,
    );
  }
  return shape;
}

function checkAffine(op: string, name: string, t: Tensor | null, shape: Shape): TypedArray | null {
  if (t === null) return null;
  requireFloat(op, name, t.dtype);
  if (!sameShape(t.shape, shape)) {
    throw new ShapeError(`${op}: expected ${name} to be of same shape as normalized_shape, but got ${name} of shape ${formatShape(t.shape)} and normalized_shape = ${formatShape(shape)}`);
  }
  return contiguousData(t);
}

/**
 * Layer normalization over the trailing `normalizedShape` dims, like `F.layer_norm`; `mean` and
 * `rstd` keep the leading dims and have size 1 in the normalised ones (`[2, 3, 1]` for input
 * `[2, 3, 4]` normalised over `[4]`).
 *
 * @example
 * ```ts
 * const { output } = layerNorm(x, [x.shape.at(-1)!], weight, bias);
 * ```
 */
export function layerNorm(
  input: Tensor,
  normalizedShape: number | readonly number[],
  weight: Tensor | null,
  bias: Tensor | null,
  options: NormalizationOptions = {},
): NormalizationResult {
  const op = 'layer_norm';
  const { eps = 1e-5 } = options;
  requireFloat(op, 'input', input.dtype);
  const shape = normalizedSizes(op, normalizedShape, input);
  const w = checkAffine(op, 'weight', weight, shape);
  const b = checkAffine(op, 'bias', bias, shape);
  const size = numelOf(shape);
  const lead = input.shape.slice(0, input.ndim - shape.length);
  const rows = numelOf(lead);
  const x = contiguousData(input);
  const out = allocate(input.dtype, x.length);
  const mean = new Float64Array(rows);
  const rstd = new Float64Array(rows);
  for (let r = 0; r < rows; r++) {
    const start = r * size;
    const [m, variance] = moments(x, start, size);
    const s = 1 / Math.sqrt(variance + eps);
    mean[r] = m;
    rstd[r] = s;
    for (let j = 0; j < size; j++) {
      const xhat = (x[start + j]! - m) * s;
      out[start + j] = xhat * (w === null ? 1 : w[j]!) + (b === null ? 0 : b[j]!);
    }
  }
  const statShape = [...lead, ...shape.map(() => 1)];
  return {
    output: Tensor.fromData(out, input.shape, input.dtype),
    mean: toDType(mean, statShape, input.dtype),
    rstd: toDType(rstd, statShape, input.dtype),
  };
}

/**
 * Gradient of {@link layerNorm} from its saved `mean` and `rstd`: per row,
 * `dx = rstd·(g - mean(g) - x̂·mean(g·x̂))` with `g = dy·w`; `gradWeight` and `gradBias` have
 * the normalised shape.
 */
export function layerNormBackward(
  gradOutput: Tensor,
  input: Tensor,
  normalizedShape: number | readonly number[],
  mean: Tensor,
  rstd: Tensor,
  weight: Tensor | null,
): NormalizationGradients {
  const op = 'layer_norm_backward';
  checkGradient(op, gradOutput, input);
  const shape = normalizedSizes(op, normalizedShape, input);
  const w = checkAffine(op, 'weight', weight, shape);
  const size = numelOf(shape);
  const rows = numelOf(input.shape.slice(0, input.ndim - shape.length));
  const mu = statistic(op, 'mean', mean, rows, input.shape);
  const sigma = statistic(op, 'rstd', rstd, rows, input.shape);
  const x = contiguousData(input);
  const dy = contiguousData(gradOutput);
  const dx = allocate(gradOutput.dtype, x.length);
  const gradWeight = new Float64Array(size);
  const gradBias = new Float64Array(size);
  for (let r = 0; r < rows; r++) {
    const start = r * size;
    const m = mu[r]!;
    const s = sigma[r]!;
    let sumG = 0;
    let dotGXhat = 0;
    for (let j = 0; j < size; j++) {
      const xhat = (x[start + j]! - m) * s;
      const g = dy[start + j]! * (w === null ? 1 : w[j]!);
      sumG += g;
      dotGXhat += g * xhat;
      gradWeight[j] += dy[start + j]! * xhat;
      gradBias[j] += dy[start + j]!;
    }
    const meanG = sumG / size;
    const meanGXhat = dotGXhat / size;
    for (let j = 0; j < size; j++) {
      const xhat = (x[start + j]! - m) * s;
      const g = dy[start + j]! * (w === null ? 1 : w[j]!);
      dx[start + j] = s * (g - meanG - xhat * meanGXhat);
    }
  }
  return {
    gradInput: Tensor.fromData(dx, input.shape, gradOutput.dtype),
    gradWeight: toDType(gradWeight, shape, gradOutput.dtype),
    gradBias: toDType(gradBias, shape, gradOutput.dtype),
  };
}

/** Checks group norm's input and returns its layout: N samples of C channels of `spatial` elements. */
function groupLayout(op: string, input: Tensor, numGroups: number): { N: number; C: number; spatial: number } {
  if (input.ndim < 2) {
    throw new ShapeError(`${op}: expected at least 2 dimensions for input tensor [N, C, *], but got ${formatShape(input.shape)}`);
  }
  const [N, C] = input.shape as [number, number];
  if (!Number.isInteger(numGroups) || numGroups <= 0 || C % numGroups !== 0) {
    throw new InvalidArgumentError(
      `${op}: expected number of channels in input to be divisible by num_groups, but got input of shape ${formatShape(input.shape)} and num_groups=${numGroups}`,
    );
  }
  return { N, C, spatial: numelOf(input.shape.slice(2)) };
}

function channelParameter(op: string, name: string, t: Tensor | null, C: number, input: Tensor): TypedArray | null {
  if (t === null) return null;
  requireFloat(op, name, t.dtype);
  if (t.ndim !== 1 || t.numel() !== C) {
    throw new ShapeError(
      `${op}: expected ${name} to be a vector of size equal to the number of channels in input, but got ${name} of shape ${formatShape(t.shape)} and input of shape ${formatShape(input.shape)}`,
    );
  }
  return contiguousData(t);
}

/**
 * Group normalization, like `F.group_norm`: the C channels of each sample of [N, C, *] are split
 * into `numGroups` groups, each normalised over its channels and spatial positions, then the
 * per-channel affine applies. `mean` and `rstd` are [N, numGroups].
 */
export function groupNorm(input: Tensor, numGroups: number, weight: Tensor | null, bias: Tensor | null, options: NormalizationOptions = {}): NormalizationResult {
  const op = 'group_norm';
  const { eps = 1e-5 } = options;
  requireFloat(op, 'input', input.dtype);
  const { N, C, spatial } = groupLayout(op, input, numGroups);
  const w = channelParameter(op, 'weight', weight, C, input);
  const b = channelParameter(op, 'bias', bias, C, input);
  const channelsPerGroup = C / numGroups;
  const groupSize = channelsPerGroup * spatial;
  const x = contiguousData(input);
  const out = allocate(input.dtype, x.length);
  const mean = new Float64Array(N * numGroups);
  const rstd = new Float64Array(N * numGroups);
  for (let group = 0; group < N * numGroups; group++) {
    const start = group * groupSize;
    const [m, variance] = moments(x, start, groupSize);
    const s = 1 / Math.sqrt(variance + eps);
    mean[group] = m;
    rstd[group] = s;
    const firstChannel = (group % numGroups) * channelsPerGroup;
    for (let j = 0; j < channelsPerGroup; j++) {
      const c = firstChannel + j;
      const scale = s * (w === null ? 1 : w[c]!);
      const shift = (b === null ? 0 : b[c]!) - m * scale;
      const base = start + j * spatial;
      for (let k = base; k < base + spatial; k++) out[k] = x[k]! * scale + shift;
    }
  }
  return {
    output: Tensor.fromData(out, input.shape, input.dtype),
    mean: toDType(mean, [N, numGroups], input.dtype),
    rstd: toDType(rstd, [N, numGroups], input.dtype),
  };
}

/**
 * Gradient of {@link groupNorm} from its saved `mean` and `rstd`: per group,
 * `dx = rstd·(g - mean(g) - x̂·mean(g·x̂))` with `g = dy·w[c]`; `gradWeight` and `gradBias` are [C].
 */
export function groupNormBackward(
  gradOutput: Tensor,
  input: Tensor,
  mean: Tensor,
  rstd: Tensor,
  weight: Tensor | null,
  numGroups: number,
): NormalizationGradients {
  const op = 'group_norm_backward';
  checkGradient(op, gradOutput, input);
  const { N, C, spatial } = groupLayout(op, input, numGroups);
  const w = channelParameter(op, 'weight', weight, C, input);
  const mu = statistic(op, 'mean', mean, N * numGroups, input.shape);
  const sigma = statistic(op, 'rstd', rstd, N * numGroups, input.shape);
  const channelsPerGroup = C / numGroups;
  const groupSize = channelsPerGroup * spatial;
  const x = contiguousData(input);
  const dy = contiguousData(gradOutput);
  const dx = allocate(gradOutput.dtype, x.length);
  const gradWeight = new Float64Array(C);
  const gradBias = new Float64Array(C);
  for (let group = 0; group < N * numGroups; group++) {
    const start = group * groupSize;
    const m = mu[group]!;
    const s = sigma[group]!;
    const firstChannel = (group % numGroups) * channelsPerGroup;
    let sumG = 0;
    let dotGXhat = 0;
    for (let j = 0; j < channelsPerGroup; j++) {
      const c = firstChannel + j;
      const scale = w === null ? 1 : w[c]!;
      const base = start + j * spatial;
      let sumDy = 0;
      let dotDyXhat = 0;
      for (let k = base; k < base + spatial; k++) {
        const xhat = (x[k]! - m) * s;
        sumDy += dy[k]!;
        dotDyXhat += dy[k]! * xhat;
      }
      gradBias[c] += sumDy;
      gradWeight[c] += dotDyXhat;
      sumG += sumDy * scale;
      dotGXhat += dotDyXhat * scale;
    }
    const meanG = sumG / groupSize;
    const meanGXhat = dotGXhat / groupSize;
    for (let j = 0; j < channelsPerGroup; j++) {
      const scale = w === null ? 1 : w[firstChannel + j]!;
      const base = start + j * spatial;
      for (let k = base; k < base + spatial; k++) {
        const xhat = (x[k]! - m) * s;
        dx[k] = s * (dy[k]! * scale - meanG - xhat * meanGXhat);
      }
    }
  }
  return {
    gradInput: Tensor.fromData(dx, input.shape, gradOutput.dtype),
    gradWeight: toDType(gradWeight, [C], gradOutput.dtype),
    gradBias: toDType(gradBias, [C], gradOutput.dtype),
  };
}
