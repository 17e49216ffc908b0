/**
 * The convolution kernels on a 2-d {@link ConvGeometry}, each driving one GEMM per image and group:
 * the forward (im2col, then weight × columns), the input gradient (weightᵀ × gradient, then col2im)
 * and the weight gradient (gradient × columnsᵀ, summed over the batch). Tensors here are 4-d views,
 * [N, C, H, W] activations and [O, C/groups, kH, kW] weights, read through their strides; shapes
 * and options are checked by the ops in `ops/conv.ts` before they get here.
 * @packageDocumentation
 */
import { getBackend } from '../backend/index.js';
import { allocate } from '../dtype.js';
import { Tensor } from '../tensor.js';
import { col2im, type ConvGeometry, type FloatArray, im2col, scratchBuffer, validColumns } from './im2col.js';

/** The dtypes a convolution computes in. */
export type FloatDType = 'float32' | 'float64';

/**
 * A 1×1 kernel with stride 1 and no padding maps each pixel to itself, so the input already is
 * the column matrix: such convolutions skip im2col.
 */
function isPointwise(g: ConvGeometry): boolean {
  return g.kernelHeight === 1 && g.kernelWidth === 1 && g.strideHeight === 1 && g.strideWidth === 1 &&
    g.padTop === 0 && g.padLeft === 0 && g.outHeight === g.inHeight && g.outWidth === g.inWidth;
}

/** The forward convolution, as a new array: output[n, g·Og + o] = W_g[o, :] · im2col(input[n, g]) (+ bias). */
export function forwardKernel(geometry: ConvGeometry, input: Tensor, weight: Tensor, bias: Tensor | undefined, dtype: FloatDType): FloatArray {
  const { batch, inChannels, outChannels, groups, outHeight, outWidth, kernelHeight, kernelWidth } = geometry;
  const outPlane = outHeight * outWidth;
  const out = allocate(dtype, batch * outChannels * outPlane) as FloatArray;
  fillBias(out, bias, batch, outChannels, outPlane);
  const cg = inChannels / groups;
  const og = outChannels / groups;
  const k = cg * kernelHeight * kernelWidth;
  if (out.length === 0 || k === 0) return out;
  const pixelStride = isPointwise(geometry) ? mergedStride(input, 2) : undefined;
  if (og === 1 && pixelStride === undefined) {
    directKernel('forward', geometry, input, weight, Tensor.fromData(out, [batch, outChannels, outHeight, outWidth], dtype));
    return out;
  }
  const w = asMatrix(weight, 1);
  const backend = getBackend();
  forEachColumnMatrix(geometry, input, pixelStride, dtype, (n, g, cols) => {
    backend.gemm({
      m: og, n: outPlane, k, alpha: 1,
      a: w.data, aOffset: w.offset + g * og * w.rowStride, aRowStride: w.rowStride, aColStride: w.columnStride,
      b: cols.data, bOffset: cols.offset, bRowStride: cols.rowStride, bColStride: cols.columnStride,
      beta: bias ? 1 : 0, c: out, cOffset: (n * outChannels + g * og) * outPlane,
    });
  });
  return out;
}

/**
 * The input gradient, as a new array: gradInput[n, g] = col2im(W_gᵀ · gradOutput[n, g]) (+ bias, when
 * this is a transposed conv's forward).
 */
export function backwardInputKernel(
  geometry: ConvGeometry,
  gradOutput: Tensor,
  weight: Tensor,
  bias: Tensor | undefined,
  dtype: FloatDType,
): FloatArray {
  const { batch, inChannels, inHeight, inWidth, outChannels, groups, outHeight, outWidth, kernelHeight, kernelWidth } = geometry;
  const plane = inHeight * inWidth;
  const outPlane = outHeight * outWidth;
  const out = allocate(dtype, batch * inChannels * plane) as FloatArray;
  fillBias(out, bias, batch, inChannels, plane);
  const cg = inChannels / groups;
  const og = outChannels / groups;
  const k = cg * kernelHeight * kernelWidth;
  if (out.length === 0 || k === 0 || og === 0 || outPlane === 0) return out;
  const pointwise = isPointwise(geometry);
  if (og === 1 && !pointwise) {
    directKernel('input', geometry, Tensor.fromData(out, [batch, inChannels, inHeight, inWidth], dtype), weight, gradOutput);
    return out;
  }
  const w = asMatrix(weight, 1);
  const dy = asMatrix(gradOutput, 2);
  const cols = pointwise ? undefined : scratchBuffer(dtype, k * outPlane);
  const backend = getBackend();
  for (let n = 0; n < batch; n++) {
    for (let g = 0; g < groups; g++) {
      const target = (n * inChannels + g * cg) * plane;
      backend.gemm({
        m: k, n: outPlane, k: og, alpha: 1,
        a: w.data, aOffset: w.offset + g * og * w.rowStride, aRowStride: w.columnStride, aColStride: w.rowStride,
        b: dy.data, bOffset: dy.offset + n * dy.batchStride + g * og * dy.rowStride, bRowStride: dy.rowStride, bColStride: dy.columnStride,
        ...(cols ? { beta: 0, c: cols, cOffset: 0 } : { beta: bias ? 1 : 0, c: out, cOffset: target }),
      });
      if (cols) col2im(geometry, cols, cg, out, target);
    }
  }
  return out;
}

/** The weight gradient, as a new array: gradWeight[g·Og + o] = Σ_n gradOutput[n, g·Og + o] · im2col(input[n, g])ᵀ. */
export function backwardWeightKernel(geometry: ConvGeometry, gradOutput: Tensor, input: Tensor, dtype: FloatDType): FloatArray {
  const { batch, inChannels, outChannels, groups, outHeight, outWidth, kernelHeight, kernelWidth } = geometry;
  const outPlane = outHeight * outWidth;
  const cg = inChannels / groups;
  const og = outChannels / groups;
  const k = cg * kernelHeight * kernelWidth;
  const out = allocate(dtype, outChannels * k) as FloatArray;
  if (out.length === 0 || batch === 0 || outPlane === 0) return out;
  const pixelStride = isPointwise(geometry) ? mergedStride(input, 2) : undefined;
  if (og === 1 && pixelStride === undefined) {
    directKernel('weight', geometry, input, Tensor.fromData(out, [outChannels, cg, kernelHeight, kernelWidth], dtype), gradOutput);
    return out;
  }
  const dy = asMatrix(gradOutput, 2);
  const backend = getBackend();
  forEachColumnMatrix(geometry, input, pixelStride, dtype, (n, g, cols) => {
    // The product is with the transposed column matrix: its row and column strides swap.
    backend.gemm({
      m: og, n: k, k: outPlane, alpha: 1,
      a: dy.data, aOffset: dy.offset + n * dy.batchStride + g * og * dy.rowStride, aRowStride: dy.rowStride, aColStride: dy.columnStride,
      b: cols.data, bOffset: cols.offset, bRowStride: cols.columnStride, bColStride: cols.rowStride,
      beta: n === 0 ? 0 : 1, c: out, cOffset: g * og * k,
    });
  });
  return out;
}

/** A strided matrix in a float array: element (i, j) at `offset + i·rowStride + j·columnStride`. */
interface Matrix {
  data: FloatArray;
  offset: number;
  rowStride: number;
  columnStride: number;
}

/**
 * Calls `visit(n, g, columns)` for each image n and group g with im2col(input[n, g]), the
 * [C/groups·kH·kW, outH·outW] column matrix: unfolded into one scratch buffer (valid only during
 * the call), or, for a pointwise convolution (`pixelStride` given), the input itself.
 */
function forEachColumnMatrix(
  geometry: ConvGeometry,
  input: Tensor,
  pixelStride: number | undefined,
  dtype: FloatDType,
  visit: (n: number, g: number, columns: Matrix) => void,
): void {
  const { batch, inChannels, groups, outHeight, outWidth, kernelHeight, kernelWidth } = geometry;
  const cg = inChannels / groups;
  const outPlane = outHeight * outWidth;
  const x = input.storage.data as FloatArray;
  const [sN, sC, sH, sW] = input.strides as [number, number, number, number];
  const cols = pixelStride === undefined ? scratchBuffer(dtype, cg * kernelHeight * kernelWidth * outPlane) : undefined;
  for (let n = 0; n < batch; n++) {
    for (let g = 0; g < groups; g++) {
      const inputOffset = input.offset + n * sN + g * cg * sC;
      if (cols) {
        im2col(geometry, x, inputOffset, sC, sH, sW, cg, cols);
        visit(n, g, { data: cols, offset: 0, rowStride: outPlane, columnStride: 1 });
      } else {
        visit(n, g, { data: x, offset: inputOffset, rowStride: sC, columnStride: pixelStride! });
      }
    }
  }
}

/**
 * Direct loops for one output channel per group (depthwise convolutions, single-map heads). There
 * each column matrix would feed a single GEMM row, so building it costs as much as the product and
 * these loops run 2–3× faster. `mode` picks what is written: the output (`'forward'`, added to
 * what `output` holds), the image gradient (`'input'`, added into `image`) or the weight gradient
 * (`'weight'`, added into `weight`). All three operands are 4-d views read through their strides.
 */
function directKernel(mode: 'forward' | 'input' | 'weight', geometry: ConvGeometry, image: Tensor, weight: Tensor, output: Tensor): void {
  const { batch, inChannels, inHeight, inWidth, groups, outHeight, outWidth, kernelHeight, kernelWidth } = geometry;
  const { strideHeight, strideWidth, padTop, padLeft, dilationHeight, dilationWidth } = geometry;
  const cg = inChannels / groups;
  const x = image.storage.data as FloatArray;
  const w = weight.storage.data as FloatArray;
  const y = output.storage.data as FloatArray;
  const [xN, xC, xH, xW] = image.strides as [number, number, number, number];
  const [wO, wC, wH, wW] = weight.strides as [number, number, number, number];
  const [yN, yC, yH, yW] = output.strides as [number, number, number, number];
  const xStep = strideWidth * xW;
  for (let n = 0; n < batch; n++) {
    for (let o = 0; o < groups; o++) {
      for (let c = 0; c < cg; c++) {
        const imageBase = image.offset + n * xN + (o * cg + c) * xC;
        for (let i = 0; i < kernelHeight; i++) {
          for (let j = 0; j < kernelWidth; j++) {
            const wi = weight.offset + o * wO + c * wC + i * wH + j * wW;
            const tap = w[wi]!;
            const shift = j * dilationWidth - padLeft;
            const [start, end] = validColumns(shift, strideWidth, inWidth, outWidth);
            let sum = 0;
            for (let oh = 0; oh < outHeight; oh++) {
              const ih = oh * strideHeight - padTop + i * dilationHeight;
              if (ih < 0 || ih >= inHeight) continue;
              let xp = imageBase + ih * xH + (shift + start * strideWidth) * xW;
              let yp = output.offset + n * yN + o * yC + oh * yH + start * yW;
              if (mode === 'forward') for (let ow = start; ow < end; ow++, xp += xStep, yp += yW) y[yp] = y[yp]! + tap * x[xp]!;
              else if (mode === 'input') for (let ow = start; ow < end; ow++, xp += xStep, yp += yW) x[xp] = x[xp]! + tap * y[yp]!;
              else for (let ow = start; ow < end; ow++, xp += xStep, yp += yW) sum += x[xp]! * y[yp]!;
            }
            if (mode === 'weight') w[wi] = tap + sum;
          }
        }
      }
    }
  }
}

/** Writes bias[c] over each [n, c] plane of `out` (a no-op without bias). */
function fillBias(out: FloatArray, bias: Tensor | undefined, batch: number, channels: number, plane: number): void {
  if (!bias || plane === 0) return;
  const b = bias.storage.data;
  for (let n = 0; n < batch; n++) {
    for (let c = 0; c < channels; c++) {
      const start = (n * channels + c) * plane;
      out.fill(b[bias.offset + c * bias.strides[0]!]!, start, start + plane);
    }
  }
}

/**
 * The stride that walks dims [from, ndim) of `t` as one flattened dim, or undefined when their
 * strides do not nest (then the dims cannot be read as one matrix axis without a copy).
 */
function mergedStride(t: Tensor, from: number): number | undefined {
  let stride: number | undefined;
  let expected = 0;
  for (let d = t.ndim - 1; d >= from; d--) {
    const size = t.shape[d]!;
    if (size === 1) continue;
    if (stride !== undefined && t.strides[d] !== expected) return undefined;
    stride ??= t.strides[d]!;
    expected = t.strides[d]! * size;
  }
  return stride ?? 1;
}

/**
 * `t` read as a batch of matrices: dim 0 is the batch, dim `split − 1` the rows (dims between are
 * size 1), the dims from `split` on the flattened columns. Copies only when those do not nest.
 */
function asMatrix(t: Tensor, split: number): Matrix & { batchStride: number } {
  let source = t;
  let columnStride = mergedStride(t, split);
  if (columnStride === undefined) {
    source = t.contiguous();
    columnStride = mergedStride(source, split)!;
  }
  const { offset, strides } = source;
  return { data: source.storage.data as FloatArray, offset, batchStride: strides[0]!, rowStride: strides[split - 1]!, columnStride };
}
