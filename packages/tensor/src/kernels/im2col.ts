/**
 * im2col (unfold) and col2im (fold): the data movement that turns a convolution into one GEMM per
 * image and group. Both work on one image and a run of channels, in the 2-d form every convolution
 * here is reduced to (1-d ones have height 1).
 * @packageDocumentation
 */

/** A float typed array, the only kind a convolution works on. */
export type FloatArray = Float32Array | Float64Array;

/**
 * The shape of one 2-d convolution, in the direction of the forward conv: `input` [N, C, H, W] and
 * `weight` [O, C/groups, kH, kW] give `output` [N, O, outHeight, outWidth]. Only the leading
 * padding appears: the output size is explicit, and any trailing padding is whatever the output
 * size reaches past the input (so asymmetric `'same'` padding needs no special case).
 */
export interface ConvGeometry {
  batch: number;
  inChannels: number;
  inHeight: number;
  inWidth: number;
  outChannels: number;
  outHeight: number;
  outWidth: number;
  groups: number;
  kernelHeight: number;
  kernelWidth: number;
  strideHeight: number;
  strideWidth: number;
  padTop: number;
  padLeft: number;
  dilationHeight: number;
  dilationWidth: number;
}

/**
 * The output columns `ow` whose input column `ow·stride + shift` lies inside [0, width): a half-open
 * range [start, end), so the inner loops need no bounds test.
 */
export function validColumns(shift: number, stride: number, width: number, outWidth: number): [number, number] {
  const start = Math.min(Math.max(Math.ceil(-shift / stride), 0), outWidth);
  const end = Math.min(Math.max(Math.floor((width - 1 - shift) / stride) + 1, start), outWidth);
  return [start, end];
}

/**
 * Unfolds `channels` channels of one image into `cols`, a row-major
 * [channels·kH·kW, outHeight·outWidth] matrix: row (c, i, j) holds the input pixel that kernel tap
 * (i, j) of channel c sees at each output position, or 0 in the padding. Every element of that
 * matrix is written, so `cols` may hold garbage beforehand. The source is read through strides,
 * so non-contiguous inputs need no copy.
 *
 * @param source - storage of the input; `sourceOffset` points at element [n, c0, 0, 0].
 */
export function im2col(
  geometry: ConvGeometry,
  source: FloatArray,
  sourceOffset: number,
  channelStride: number,
  rowStride: number,
  columnStride: number,
  channels: number,
  cols: FloatArray,
): void {
  const { inHeight, inWidth, outHeight, outWidth, kernelHeight, kernelWidth } = geometry;
  const { strideHeight, strideWidth, padTop, padLeft, dilationHeight, dilationWidth } = geometry;
  const step = strideWidth * columnStride;
  let r = 0;
  for (let c = 0; c < channels; c++) {
    const channelBase = sourceOffset + c * channelStride;
    for (let i = 0; i < kernelHeight; i++) {
      for (let j = 0; j < kernelWidth; j++) {
        const shift = j * dilationWidth - padLeft;
        const [start, end] = validColumns(shift, strideWidth, inWidth, outWidth);
        for (let oh = 0; oh < outHeight; oh++) {
          const ih = oh * strideHeight - padTop + i * dilationHeight;
          if (ih < 0 || ih >= inHeight) {
            cols.fill(0, r, r + outWidth);
            r += outWidth;
            continue;
          }
          let ow = 0;
          for (; ow < start; ow++) cols[r++] = 0;
          let s = channelBase + ih * rowStride + (shift + start * strideWidth) * columnStride;
          for (; ow < end; ow++, s += step) cols[r++] = source[s]!;
          for (; ow < outWidth; ow++) cols[r++] = 0;
        }
      }
    }
  }
}

/**
 * Folds `cols` ([channels·kH·kW, outHeight·outWidth], as {@link im2col} lays it out) back onto one
 * image, adding every column entry into the input pixel it came from; entries in the padding are
 * dropped. `target` is contiguous [channels, H, W] from `targetOffset` and is accumulated into.
 */
export function col2im(geometry: ConvGeometry, cols: FloatArray, channels: number, target: FloatArray, targetOffset: number): void {
  const { inHeight, inWidth, outHeight, outWidth, kernelHeight, kernelWidth } = geometry;
  const { strideHeight, strideWidth, padTop, padLeft, dilationHeight, dilationWidth } = geometry;
  const plane = inHeight * inWidth;
  let r = 0;
  for (let c = 0; c < channels; c++) {
    const channelBase = targetOffset + c * plane;
    for (let i = 0; i < kernelHeight; i++) {
      for (let j = 0; j < kernelWidth; j++) {
        const shift = j * dilationWidth - padLeft;
        const [start, end] = validColumns(shift, strideWidth, inWidth, outWidth);
        for (let oh = 0; oh < outHeight; oh++, r += outWidth) {
          const ih = oh * strideHeight - padTop + i * dilationHeight;
          if (ih < 0 || ih >= inHeight) continue;
          let t = channelBase + ih * inWidth + shift + start * strideWidth;
          for (let ow = start; ow < end; ow++, t += strideWidth) target[t] = target[t]! + cols[r + ow]!;
        }
      }
    }
  }
}

const scratchCap = 1 << 22;
let scratch32 = new Float32Array(0);
let scratch64 = new Float64Array(0);

/**
 * A scratch buffer of at least `length` elements, reused across calls so that convolutions on the
 * same shapes do not allocate their column matrix each time. Its contents are garbage: callers
 * must write what they read. Buffers above 2^22 elements are not kept, so one huge convolution
 * does not pin its memory for the life of the process.
 */
export function scratchBuffer(dtype: 'float32' | 'float64', length: number): FloatArray {
  if (dtype === 'float32') {
    if (scratch32.length >= length) return scratch32;
    const buffer = new Float32Array(length);
    if (length <= scratchCap) scratch32 = buffer;
    return buffer;
  }
  if (scratch64.length >= length) return scratch64;
  const buffer = new Float64Array(length);
  if (length <= scratchCap) scratch64 = buffer;
  return buffer;
}
