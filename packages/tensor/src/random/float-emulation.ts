/**
 * Float arithmetic as PyTorch's x86-64 CPU kernels do it, for the samplers in `ops/random.ts` to
 * reproduce PyTorch's numbers bit for bit: Cephes single-precision log and sincos as the AVX2 lanes
 * of `avx_mathfun.h` evaluate them, and fused multiply-add (one rounding) in float32 and float64,
 * which JavaScript lacks.
 * @packageDocumentation
 */

const fround = Math.fround;

// Cephes single-precision log and sincos as PyTorch's avx_mathfun.h evaluates them, one float32
// operation at a time: Math.fround of a double sum or product of two floats is the correctly
// rounded float32 result, so this reproduces the AVX2 lanes bit for bit.
const LOG_P = [
  7.0376836292e-2, -1.151461031e-1, 1.167699874e-1, -1.2420140846e-1, 1.4249322787e-1, -1.6668057665e-1, 2.0000714765e-1,
  -2.4999993993e-1, 3.3333331174e-1,
].map(fround);
const LOG_Q1 = fround(-2.12194440e-4);
const LOG_Q2 = fround(0.693359375);
const SQRT_HALF = fround(0.707106781186547524);
const MIN_NORMAL_FLOAT32 = 2 ** -126;
const floatScratch = new Float32Array(1);
const floatBits = new Int32Array(floatScratch.buffer);

/** `log256_ps` for one lane: the natural log of a positive float32 (NaN for zero, negatives and NaN). */
export function logFloat32(value: number): number {
  if (!(value > 0)) return NaN;
  floatScratch[0] = Math.max(value, MIN_NORMAL_FLOAT32);
  const bits = floatBits[0]!;
  let e = fround((bits >>> 23) - 127 + 1);
  floatBits[0] = (bits & ~0x7f800000) | 0x3f000000;
  let x = floatScratch[0]!;
  const below = x < SQRT_HALF;
  const addend = below ? x : 0;
  x = fround(x - 1);
  if (below) e = fround(e - 1);
  x = fround(x + addend);
  const z = fround(x * x);
  let y = LOG_P[0]!;
  for (let k = 1; k < LOG_P.length; k++) y = fusedMultiplyAddFloat32(y, x, LOG_P[k]!);
  y = fround(y * x);
  y = fusedMultiplyAddFloat32(y, z, fround(e * LOG_Q1));
  y = fround(y - fround(z * 0.5));
  x = fround(x + y);
  return fround(x + fround(e * LOG_Q2));
}

const FOUR_OVER_PI = fround(1.27323954473516);
const MINUS_DP1 = fround(-0.78515625);
const MINUS_DP2 = fround(-2.4187564849853515625e-4);
const MINUS_DP3 = fround(-3.77489497744594108e-8);
const SIN_P0 = fround(-1.9515295891e-4);
const SIN_P1 = fround(8.3321608736e-3);
const SIN_P2 = fround(-1.6666654611e-1);
const COS_P0 = fround(2.443315711809948e-5);
const COS_P1 = fround(-1.388731625493765e-3);
const COS_P2 = fround(4.166664568298827e-2);
/**
 * `sincos256_ps` for one lane, for arguments in [0, 2^31): writes [sin, cos] of the float32 `angle`
 * into `out` (a pair the caller reuses, so no pair is allocated per element).
 */
export function sinCosFloat32(angle: number, out: Float64Array): void {
  const sinSign = angle < 0 || Object.is(angle, -0) ? -1 : 1;
  let x = Math.abs(angle);
  let quadrant = Math.trunc(fround(x * FOUR_OVER_PI));
  quadrant = (quadrant + 1) & ~1;
  const y = quadrant;
  const sinFlip = (quadrant & 4) !== 0 ? -1 : 1;
  const cosFlip = (~(quadrant - 2) & 4) !== 0 ? -1 : 1;
  const sinePolynomial = (quadrant & 2) === 0;
  x = fusedMultiplyAddFloat32(y, MINUS_DP1, x);
  x = fusedMultiplyAddFloat32(y, MINUS_DP2, x);
  x = fusedMultiplyAddFloat32(y, MINUS_DP3, x);
  const z = fround(x * x);
  let cosine = fusedMultiplyAddFloat32(COS_P0, z, COS_P1);
  cosine = fusedMultiplyAddFloat32(cosine, z, COS_P2);
  cosine = fround(cosine * z);
  cosine = fusedMultiplyAddFloat32(cosine, z, -fround(z * 0.5));
  cosine = fround(cosine + 1);
  let sine = fusedMultiplyAddFloat32(SIN_P0, z, SIN_P1);
  sine = fusedMultiplyAddFloat32(sine, z, SIN_P2);
  sine = fround(sine * z);
  sine = fusedMultiplyAddFloat32(sine, x, x);
  out[0] = (sinePolynomial ? sine : cosine) * sinSign * sinFlip;
  out[1] = (sinePolynomial ? cosine : sine) * cosFlip;
}

/**
 * float32 `a * b + c` with one rounding (`_mm256_fmadd_ps`): the product of two floats is exact in
 * float64, and rounding the float64 sum to float32 is exact unless that sum sits exactly halfway
 * between two floats, where the sign of the float64 rounding error decides.
 */
export function fusedMultiplyAddFloat32(a: number, b: number, c: number): number {
  const product = a * b;
  const sum = product + c;
  const rounded = fround(sum);
  if (rounded === sum || !Number.isFinite(rounded)) return rounded;
  // If `sum` is a midpoint, `other` is the float on its far side; otherwise it is not a float.
  const other = 2 * sum - rounded;
  if (fround(other) !== other) return rounded;
  const virtual = sum - product;
  const error = product - (sum - virtual) + (c - virtual);
  if (error === 0) return rounded;
  return (error > 0) === (other > rounded) ? other : rounded;
}

// PyTorch's x86 kernels are compiled with FMA enabled, and the compiler fuses `a * b + c` in the
// distribution transforms into one rounding; JavaScript has no fma, so it is emulated.
const SPLITTER = 134217729; // 2^27 + 1, Veltkamp's splitting constant for float64
const doubleScratch = new Float64Array(1);
const doubleWords = new Uint32Array(doubleScratch.buffer);
const LOW_WORD = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1 ? 0 : 1;

/**
 * float64 `a * b + c` with one rounding: Dekker's exact product, then Boldo and Melquiond's
 * emulated FMA (the low parts summed with rounding to odd, then one round to nearest).
 */
export function fusedMultiplyAdd(a: number, b: number, c: number): number {
  const product = a * b;
  if (c === 0 || !Number.isFinite(product) || !Number.isFinite(c)) return product + c;
  let t = SPLITTER * a;
  const aHigh = t - (t - a);
  const aLow = a - aHigh;
  t = SPLITTER * b;
  const bHigh = t - (t - b);
  const bLow = b - bHigh;
  const productError = aHigh * bHigh - product + aHigh * bLow + aLow * bHigh + aLow * bLow;
  const sum = c + product;
  const virtual = sum - c;
  const sumError = c - (sum - virtual) + (product - virtual);
  return sum + addRoundedToOdd(sumError, productError);
}

/** `x + y` rounded to odd: the exact sum if representable, else whichever neighbour is odd. */
function addRoundedToOdd(x: number, y: number): number {
  const sum = x + y;
  const virtual = sum - x;
  const error = x - (sum - virtual) + (y - virtual);
  if (error === 0) return sum;
  doubleScratch[0] = sum;
  if ((doubleWords[LOW_WORD]! & 1) === 1) return sum;
  // Step the magnitude up when the error points away from zero, down otherwise.
  const step = (sum > 0) === (error > 0) ? 1 : -1;
  const low = doubleWords[LOW_WORD]! + step;
  doubleWords[LOW_WORD] = low;
  if (low < 0 || low > 0xffffffff) doubleWords[1 - LOW_WORD] = doubleWords[1 - LOW_WORD]! + step;
  return doubleScratch[0]!;
}
