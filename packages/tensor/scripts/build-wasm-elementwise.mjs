// Builds the WebAssembly SIMD elementwise kernels of the wasm backend: writes their text
// (elementwise.wat, kept for reading) and their bytes as base64 in
// src/backend/wasm/elementwise-wasm.ts, both committed. Run by hand after changing this file:
// `node scripts/build-wasm-elementwise.mjs` in packages/tensor. A test
// (src/backend/wasm-elementwise.test.ts) fails when the committed files differ from a fresh build.
//
// Every kernel works in place on 4-float vectors at byte pointers into the module's memory; the
// runtime (src/backend/wasm-elementwise.ts) streams operands through it in chunks. Each computes
// exactly the float64 operations, in the same order, that the TypeScript loops of
// src/kernels/elementwise.ts and src/kernels/fast-math.ts compute, so both backends give the same
// bits: float32 lanes are widened to two f64x2 halves, computed, and rounded once on the way out.
// The one exception is plain float32 arithmetic (a + b, a·y with y a float32, …), done in f32x4:
// float64 has more than twice float32's precision, so rounding a float64 sum, difference,
// product or quotient of two float32 values to float32 gives the correctly rounded float32
// result, which is what the f32x4 instruction computes.
//
// Every kernel here pays for its copies in and out, the memory-bound arithmetic included (numbers
// in src/backend/wasm-elementwise.ts), so all of them are kept.
//
// The reductions (max, min, sum) only copy in. The sum adds in the order of the TypeScript loop
// of src/kernels/reduce.ts, eight interleaved float64 partial sums, so it too gives the same bits.
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { assembleWat, base64Lines } from './build-wasm.mjs';

const here = (path) => fileURLToPath(new URL(path, import.meta.url));
export const WAT_PATH = here('../src/backend/wasm/elementwise.wat');
export const TS_PATH = here('../src/backend/wasm/elementwise-wasm.ts');

/**
 * Floats per chunk. The module's memory holds two chunks (its two operands; results overwrite
 * the first), 128 KiB, which stay in L2 from being copied in to being copied out.
 */
export const CHUNK = 16384;

// Copies of the constants of src/kernels/fast-math.ts (where their origin is described); a test
// checks that the two agree.
export const TANH_NUMERATOR = [1, 1.3783103954712666e-1, 4.005600616308339e-3, 3.1523991427684101e-5, 5.0522959415243076e-8];
export const TANH_DENOMINATOR = [1, 4.7116436612991054e-1, 2.7727069111711267e-2, 4.2020869325475468e-4, 1.6123328620752938e-6, 7.3250081655132073e-10];
export const TANH_LIMIT = 9.1;
export const EXP_POLYNOMIAL = [1, 1.0000000321867238, 4.9999994204965857e-1, 1.6666431160436721e-1, 4.1668002657271168e-2, 8.3741640143616907e-3, 1.3843641650116376e-3];
export const EXP_LIMIT = 110;
export const ROUNDING_CONSTANT = 6755399441055744;

/** The exact WAT hex literal of a finite float64, so no decimal parsing can move a bit. */
function hexFloat(value) {
  if (value === 0) return Object.is(value, -0) ? '-0x0p+0' : '0x0p+0';
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, value);
  const high = view.getUint32(0);
  const sign = high >>> 31 ? '-' : '';
  const exponent = ((high >>> 20) & 0x7ff) - 1023;
  const mantissa = (((BigInt(high & 0xfffff) << 32n) | BigInt(view.getUint32(4))).toString(16).padStart(13, '0')).replace(/0+$/, '');
  return `${sign}0x1${mantissa ? `.${mantissa}` : ''}p${exponent >= 0 ? '+' : ''}${exponent}`;
}

/**
 * The f64x2 constants of the kernel being generated, by value: each is set in a local once, before
 * the loop, rather than spelled out (18 bytes) at each of its uses.
 */
let constants;

/** An f64x2 with `value` in both lanes: a local of the kernel being generated. */
function f64x2(value) {
  if (!constants.has(value)) constants.set(value, `$c${constants.size}`);
  return `(local.get ${constants.get(value)})`;
}

/** c[0] + s·(c[1] + s·(… + s·c[last])): Horner's rule, as the TypeScript writes it. */
function horner(coefficients, s) {
  let expression = f64x2(coefficients.at(-1));
  for (let i = coefficients.length - 2; i >= 0; i--) expression = `(f64x2.add ${f64x2(coefficients[i])} (f64x2.mul ${s} ${expression}))`;
  return expression;
}

/** tanh of the f64x2 `v`: x·N(x²)/Q(x²) with x clamped to ±TANH_LIMIT (pmin and pmax keep NaN). */
function tanh(v) {
  return `(block (result v128)
    (local.set $x (f64x2.pmax (f64x2.pmin ${v} ${f64x2(TANH_LIMIT)}) ${f64x2(-TANH_LIMIT)}))
    (local.set $s (f64x2.mul (local.get $x) (local.get $x)))
    (f64x2.div
      (f64x2.mul (local.get $x) ${horner(TANH_NUMERATOR, '(local.get $s)')})
      ${horner(TANH_DENOMINATOR, '(local.get $s)')}))`;
}

/**
 * e^v for the f64x2 `v`: 2ⁿ·P(x − n·ln2). Adding 1.5·2⁵² leaves n in the low bits of $t, so
 * shifting them to the exponent field and adding the bias gives 2ⁿ's bits.
 */
function exp(v) {
  return `(block (result v128)
    (local.set $x (f64x2.pmax (f64x2.pmin ${v} ${f64x2(EXP_LIMIT)}) ${f64x2(-EXP_LIMIT)}))
    (local.set $t (f64x2.add (f64x2.mul (local.get $x) ${f64x2(Math.LOG2E)}) ${f64x2(ROUNDING_CONSTANT)}))
    (local.set $s (f64x2.sub (local.get $x) (f64x2.mul (f64x2.sub (local.get $t) ${f64x2(ROUNDING_CONSTANT)}) ${f64x2(Math.LN2)})))
    (f64x2.mul
      ${horner(EXP_POLYNOMIAL, '(local.get $s)')}
      (i64x2.add (i64x2.shl (local.get $t) (i32.const 52)) (v128.const i64x2 0x3ff0000000000000 0x3ff0000000000000))))`;
}

/** 1/(1 + e^−v) for the f64x2 `v`. */
function sigmoid(v) {
  return `(f64x2.div ${f64x2(1)} (f64x2.add ${f64x2(1)} ${exp(`(f64x2.neg ${v})`)}))`;
}

/** The f32x4 of `f` applied in float64 to the low and the high halves of the f32x4 locals `vectors`. */
function inFloat64(f, ...vectors) {
  const low = vectors.map((v) => `(f64x2.promote_low_f32x4 (local.get ${v}))`);
  const high = vectors.map((v) => `(f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 8 9 10 11 12 13 14 15 (local.get ${v}) (local.get ${v})))`);
  return `(i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23
      (f32x4.demote_f64x2_zero ${f(...low)})
      (f32x4.demote_f64x2_zero ${f(...high)}))`;
}

/**
 * A kernel over the 4-float vectors from $a for $n floats (rounded up to a vector: the chunks have
 * room, and the extra lanes are never copied out), storing the f32x4 expression `result()` (of the
 * locals $v, read at $a, and, with `binary`, $w, read at $b) back at $a.
 */
function kernel(name, comment, params, result, { binary = false } = {}) {
  constants = new Map();
  const body = result();
  const b = binary ? ' (param $b i32)' : '';
  const constantLocals = constants.size > 0 ? `\n    ${[...constants.values()].map((local) => `(local ${local} v128)`).join(' ')}` : '';
  const setConstants = [...constants].map(([value, local]) => `\n    (local.set ${local} (v128.const f64x2 ${hexFloat(value)} ${hexFloat(value)})) ;; ${value}`).join('');
  return `
  ;; ${comment}
  (func (export "${name}") (param $a i32)${b} (param $n i32)${params.map((p) => ` (param ${p})`).join('')}
    (local $end i32) (local $v v128) (local $w v128) (local $x v128) (local $s v128) (local $t v128)${constantLocals}${setConstants}
    (local.set $end (i32.add (local.get $a) (i32.shl (local.get $n) (i32.const 2))))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $a) (local.get $end)))
        (local.set $v (v128.load (local.get $a)))${binary ? '\n        (local.set $w (v128.load (local.get $b)))' : ''}
        (v128.store (local.get $a) ${body})
        (local.set $a (i32.add (local.get $a) (i32.const 16)))${binary ? '\n        (local.set $b (i32.add (local.get $b) (i32.const 16)))' : ''}
        (br $next))))`;
}

/**
 * The largest or smallest of $n floats from $a, NaN when one is NaN. The floats past $n, up to a
 * multiple of 16, must be the op's identity (−inf for max, +inf for min): the runtime writes them.
 * Four f32x4 accumulators hide the latency of pmax/pmin (b < a ? b : a, cheaper than max/min,
 * whose NaN and ±0 rules take several instructions on x86); NaNs are caught by a separate mask.
 * Where the extreme is zero, the lanes may disagree on its sign: the runtime settles it.
 */
function extremum(name, op, identity) {
  const step = (offset, accumulator) => `
        (local.set $v (v128.load offset=${offset} (local.get $a)))
        (local.set ${accumulator} (f32x4.${op} (local.get ${accumulator}) (local.get $v)))
        (local.set $nan (v128.or (local.get $nan) (f32x4.ne (local.get $v) (local.get $v))))`;
  const lane = (i) => `(f32x4.extract_lane ${i} (local.get $b0))`;
  const scalar = op === 'pmax' ? 'f32.max' : 'f32.min';
  return `
  ;; the ${name === 'maximum' ? 'largest' : 'smallest'} of a[0…n−1], NaN if one is NaN (a padded to 16 floats with ${identity})
  (func (export "${name}") (param $a i32) (param $n i32) (result f32)
    (local $end i32) (local $v v128) (local $nan v128) (local $b0 v128) (local $b1 v128) (local $b2 v128) (local $b3 v128)
    (local.set $end (i32.add (local.get $a) (i32.shl (local.get $n) (i32.const 2))))
    (local.set $b0 (f32x4.splat (f32.const ${identity})))
    (local.set $b1 (local.get $b0))
    (local.set $b2 (local.get $b0))
    (local.set $b3 (local.get $b0))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $a) (local.get $end)))${step(0, '$b0')}${step(16, '$b1')}${step(32, '$b2')}${step(48, '$b3')}
        (local.set $a (i32.add (local.get $a) (i32.const 64)))
        (br $next)))
    (if (v128.any_true (local.get $nan)) (then (return (f32.const nan))))
    (local.set $b0 (f32x4.${op} (f32x4.${op} (local.get $b0) (local.get $b1)) (f32x4.${op} (local.get $b2) (local.get $b3))))
    (${scalar} (${scalar} ${lane(0)} ${lane(1)}) (${scalar} ${lane(2)} ${lane(3)})))`;
}

/**
 * The float64 sum of $n floats from $a, in the order of src/kernels/reduce.ts's `sumBlock`: float
 * i goes to partial sum i mod 8 (the lanes of $s0, $t0, $s1, $t1 in turn), and the partials meet
 * as ((p0 + p2) + (p4 + p6)) + ((p1 + p3) + (p5 + p7)). The floats past $n, up to a multiple of 8,
 * must be +0 (the runtime writes them), which leaves every partial as it was.
 */
function sum() {
  const half = (v, high) => (high ? `(f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 8 9 10 11 12 13 14 15 ${v} ${v}))` : `(f64x2.promote_low_f32x4 ${v})`);
  const step = (offset, i) => `
        (local.set $v (v128.load offset=${offset} (local.get $a)))
        (local.set $s${i} (f64x2.add (local.get $s${i}) ${half('(local.get $v)', false)}))
        (local.set $t${i} (f64x2.add (local.get $t${i}) ${half('(local.get $v)', true)}))`;
  return `
  ;; Σ a[0…n−1] in float64, in 8 interleaved partial sums (a padded to 8 floats with +0)
  (func (export "sum") (param $a i32) (param $n i32) (result f64)
    (local $end i32) (local $v v128) (local $s0 v128) (local $t0 v128) (local $s1 v128) (local $t1 v128)
    (local.set $end (i32.add (local.get $a) (i32.shl (local.get $n) (i32.const 2))))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $a) (local.get $end)))${step(0, 0)}${step(16, 1)}
        (local.set $a (i32.add (local.get $a) (i32.const 32)))
        (br $next)))
    (local.set $s0 (f64x2.add (f64x2.add (local.get $s0) (local.get $t0)) (f64x2.add (local.get $s1) (local.get $t1))))
    (f64.add (f64x2.extract_lane 0 (local.get $s0)) (f64x2.extract_lane 1 (local.get $s0))))`;
}

const f32Scalar = '(f32x4.splat (local.get $y))';
const f64Scalar = (name) => `(f64x2.splat (local.get ${name}))`;

/** The module's text. */
export function elementwiseWat() {
  return `;; Generated by scripts/build-wasm-elementwise.mjs: do not edit.
;; Elementwise float32 kernels, in place on 4-float vectors at byte pointers $a (and $b) into the
;; imported memory, over $n floats rounded up to a multiple of 4; and the max, min and sum
;; reductions, which only read.
(module
  (import "env" "memory" (memory 2))
${[
    kernel('tanh', 'a = tanh(a)', [], () => inFloat64(tanh, '$v')),
    kernel('sigmoid', 'a = 1/(1 + e^−a)', [], () => inFloat64(sigmoid, '$v')),
    kernel('exp', 'a = e^a', [], () => inFloat64(exp, '$v')),
    ...[['add', 'a + b'], ['sub', 'a − b'], ['mul', 'a·b'], ['div', 'a/b']].map(([op, text]) =>
      kernel(`${op}Tensors`, `a = ${text} (float32)`, [], () => `(f32x4.${op} (local.get $v) (local.get $w))`, { binary: true })),
    kernel('axpy', 'a = a + alpha·b (float64)', ['$alpha f64'], () => inFloat64((a, b) => `(f64x2.add ${a} (f64x2.mul ${f64Scalar('$alpha')} ${b}))`, '$v', '$w'), { binary: true }),
    ...[['add', 'a + y'], ['mul', 'a·y'], ['div', 'a/y']].map(([op, text]) =>
      kernel(`${op}Scalar`, `a = ${text} for a float32 y`, ['$y f32'], () => `(f32x4.${op} (local.get $v) ${f32Scalar})`)),
    kernel('scalarDiv', 'a = y/a for a float32 y', ['$y f32'], () => `(f32x4.div ${f32Scalar} (local.get $v))`),
    kernel('affine', 'a = p + q·a (float64)', ['$p f64', '$q f64'], () => inFloat64((a) => `(f64x2.add ${f64Scalar('$p')} (f64x2.mul ${f64Scalar('$q')} ${a}))`, '$v')),
    kernel('mulScalar64', 'a = a·y (float64)', ['$y f64'], () => inFloat64((a) => `(f64x2.mul ${a} ${f64Scalar('$y')})`, '$v')),
    kernel('divScalar64', 'a = a/y (float64)', ['$y f64'], () => inFloat64((a) => `(f64x2.div ${a} ${f64Scalar('$y')})`, '$v')),
    kernel('scalarDiv64', 'a = y/a (float64)', ['$y f64'], () => inFloat64((a) => `(f64x2.div ${f64Scalar('$y')} ${a})`, '$v')),
    extremum('maximum', 'pmax', '-inf'),
    extremum('minimum', 'pmin', 'inf'),
    sum(),
  ].join('\n')})
`;
}

/** The TypeScript module that ships the bytes. */
export function bytesModule(bytes) {
  return `// Generated by scripts/build-wasm-elementwise.mjs from elementwise.wat: do not edit. ${bytes.length} bytes.

/** The float32 SIMD elementwise module, base64-encoded. */
export const elementwiseWasmBase64 =
${base64Lines(bytes)};

/** Floats per chunk: the module's memory holds two. */
export const elementwiseChunk = ${CHUNK};
`;
}

/** A fresh build: the text and the TypeScript module, as they should be committed. */
export async function build() {
  const wat = elementwiseWat();
  const bytes = await assembleWat('elementwise.wat', wat, { simd: true });
  return { wat, ts: bytesModule(bytes), bytes };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { wat, ts, bytes } = await build();
  writeFileSync(WAT_PATH, wat);
  writeFileSync(TS_PATH, ts);
  console.log(`wrote ${bytes.length} bytes of wasm to ${TS_PATH}`);
}
