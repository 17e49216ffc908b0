// Builds the WebAssembly SIMD kernels of the float32 optimizer steps: writes their text
// (src/optimizers/wasm/optimizers.wat, kept for reading) and their bytes as base64 in
// src/optimizers/wasm/optimizers-wasm.ts, both committed. Run by hand after changing this file:
// `node scripts/build-wasm.mjs` in packages/optim. A test (src/optimizers/wasm/kernels.test.ts)
// fails when the committed files differ from a fresh build.
//
// Each kernel is one optimizer's element loop in f32x4 lanes, op for op the arithmetic of the
// TypeScript float32 loop beside the optimizer (`adamFloat32Loop` in adam.ts, …), which follows
// PyTorch's order of operations; the tests hold the two to the same bits. The text is generated so
// that the loop, the options' splats and the memory layout are spelled out once.
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import wabt from 'wabt';

/** Floats of each array per kernel call: one 64 KiB page per array. */
export const CHUNK = 16_384;
/** Arrays a kernel touches at most: the parameter, its gradient and three state buffers. */
export const REGIONS = 5;

const here = (path) => fileURLToPath(new URL(path, import.meta.url));
export const WAT_PATH = here('../src/optimizers/wasm/optimizers.wat');
export const TS_PATH = here('../src/optimizers/wasm/optimizers-wasm.ts');

// Region k of the memory holds chunk elements of array k: the parameter is 0 and its gradient 1
// for every kernel, then the optimizer's state buffers.
const PARAM = 0;
const GRAD = 1;

const get = (name) => `(local.get $${name})`;
const set = (name, value) => `(local.set $${name} ${value})`;
const f32x4 = (op) => (...args) => `(f32x4.${op} ${args.join(' ')})`;
const add = f32x4('add');
const sub = f32x4('sub');
const mul = f32x4('mul');
const div = f32x4('div');
const sqrt = f32x4('sqrt');
const max = f32x4('max');
const min = f32x4('min');
const abs = f32x4('abs');
const load = (region) => `(v128.load offset=${region * CHUNK * 4} (local.get $i))`;
const store = (region, value) => `(v128.store offset=${region * CHUNK * 4} (local.get $i) ${value})`;
/** `body` where the i32 parameter `flag` is non-zero (it is the same for every element: predicted). */
const when = (flag, ...body) => `(if (local.get $${flag}) (then ${body.join(' ')}))`;
/** Lanes of `a` where the mask `c` is set, of `b` elsewhere. */
const select = (a, b, c) => `(v128.bitselect ${a} ${b} ${c})`;

/**
 * g ← ±g (the scalar `sign` is −1 when maximizing, an exact negation), x ← θ, and the weight
 * decay: θ(1 − γλ) when `decoupled`, g + λθ when `coupled`.
 */
const gradientAndDecay = (withDecoupled) => [
  set('g', mul(load(GRAD), get('sign'))),
  set('x', load(PARAM)),
  ...(withDecoupled ? [when('decoupled', set('x', mul(get('x'), get('decay'))))] : []),
  when('coupled', set('g', add(get('g'), mul(get('weightDecay'), get('x'))))),
];

/**
 * PyTorch's CPU lerp(start, end, w) as base + c·(end − start), with base = start and c = w for
 * |w| < 0.5, base = end and c = w − 1 otherwise: the `lerpStart` mask picks the base.
 */
const lerp = (start, end) => add(select(get(start), get(end), get('lerpStart')), mul(get('lerpCoefficient'), sub(get(end), get(start))));

/** v ← βv + ((1 − β)g)g, PyTorch's `mul_(β).addcmul_(g, g, value=1 − β)`. */
const averageSquare = (v, g, beta, weight) => add(mul(get(v), get(beta)), mul(mul(get(weight), get(g)), get(g)));

/**
 * The kernels: f32 scalars (splatted into vector locals of the same name), i32 flags, vector
 * temporaries, the body run on each four elements, and the state arrays after PARAM and GRAD.
 */
const KERNELS = [
  {
    name: 'sgd',
    doc: 'SGD; regions: θ, g, b (with `hasMomentum`).',
    scalars: ['sign', 'weightDecay', 'momentum', 'weight', 'negativeLr'],
    flags: ['coupled', 'hasMomentum', 'first', 'nesterov'],
    temps: ['g', 'x', 'b'],
    body: [
      ...gradientAndDecay(false),
      `(if (local.get $hasMomentum)
        (then
          ${set('b', get('g'))}
          (if (i32.eqz (local.get $first)) (then ${set('b', add(mul(load(2), get('momentum')), mul(get('weight'), get('g'))))}))
          ${store(2, get('b'))}
          (if (local.get $nesterov) (then ${set('g', add(get('g'), mul(get('momentum'), get('b'))))}) (else ${set('g', get('b'))}))))`,
      store(PARAM, add(get('x'), mul(get('negativeLr'), get('g')))),
    ],
  },
  {
    name: 'asgd',
    doc: 'ASGD; regions: θ, g, a.',
    scalars: ['sign', 'weightDecay', 'decay', 'negativeEta', 'mu'],
    flags: ['coupled', 'averaging'],
    temps: ['g', 'x', 'a'],
    body: [
      ...gradientAndDecay(false),
      set('x', mul(get('x'), get('decay'))),
      set('x', add(get('x'), mul(get('negativeEta'), get('g')))),
      store(PARAM, get('x')),
      `(if (local.get $averaging)
        (then ${set('a', load(2))} ${store(2, add(get('a'), mul(sub(get('x'), get('a')), get('mu'))))})
        (else ${store(2, get('x'))}))`,
    ],
  },
  {
    name: 'adam',
    doc: 'Adam and AdamW; regions: θ, g, m, v, v̂max (with `amsgrad`).',
    scalars: ['sign', 'decay', 'weightDecay', 'lerpCoefficient', 'beta2', 'weight2', 'bias2Sqrt', 'eps', 'negativeStep'],
    flags: ['decoupled', 'coupled', 'lerpSmall', 'amsgrad'],
    temps: ['g', 'x', 'm', 'v'],
    body: [
      ...gradientAndDecay(true),
      set('m', load(2)),
      set('m', lerp('m', 'g')),
      store(2, get('m')),
      set('v', load(3)),
      set('v', averageSquare('v', 'g', 'beta2', 'weight2')),
      store(3, get('v')),
      when('amsgrad', set('v', max(load(4), get('v'))), store(4, get('v'))),
      store(PARAM, add(get('x'), div(mul(get('negativeStep'), get('m')), add(div(sqrt(get('v')), get('bias2Sqrt')), get('eps'))))),
    ],
  },
  {
    name: 'nadam',
    doc: 'NAdam; regions: θ, g, m, v.',
    scalars: ['sign', 'decay', 'weightDecay', 'lerpCoefficient', 'beta2', 'weight2', 'bias2', 'eps', 'gradientStep', 'momentumStep'],
    flags: ['decoupled', 'coupled', 'lerpSmall'],
    temps: ['g', 'x', 'm', 'v', 'd'],
    body: [
      ...gradientAndDecay(true),
      set('m', load(2)),
      set('m', lerp('m', 'g')),
      store(2, get('m')),
      set('v', load(3)),
      set('v', averageSquare('v', 'g', 'beta2', 'weight2')),
      store(3, get('v')),
      set('d', add(sqrt(div(get('v'), get('bias2'))), get('eps'))),
      set('x', add(get('x'), div(mul(get('gradientStep'), get('g')), get('d')))),
      store(PARAM, add(get('x'), div(mul(get('momentumStep'), get('m')), get('d')))),
    ],
  },
  {
    name: 'radam',
    doc: 'RAdam; regions: θ, g, m, v.',
    scalars: ['sign', 'decay', 'weightDecay', 'lerpCoefficient', 'beta2', 'weight2', 'bias1', 'lr', 'bias2Sqrt', 'eps', 'rect'],
    flags: ['decoupled', 'coupled', 'lerpSmall', 'rectified'],
    temps: ['g', 'x', 'm', 'v', 'c'],
    body: [
      ...gradientAndDecay(true),
      set('m', load(2)),
      set('m', lerp('m', 'g')),
      store(2, get('m')),
      set('v', load(3)),
      set('v', averageSquare('v', 'g', 'beta2', 'weight2')),
      store(3, get('v')),
      set('c', mul(div(get('m'), get('bias1')), get('lr'))),
      `(if (local.get $rectified)
        (then ${set('c', mul(mul(get('c'), div(get('bias2Sqrt'), add(sqrt(get('v')), get('eps')))), get('rect')))}))`,
      store(PARAM, sub(get('x'), get('c'))),
    ],
  },
  {
    name: 'adamax',
    doc: 'Adamax; regions: θ, g, m, u.',
    scalars: ['sign', 'weightDecay', 'lerpCoefficient', 'beta2', 'eps', 'negativeStep'],
    flags: ['coupled', 'lerpSmall'],
    temps: ['g', 'x', 'm', 'u'],
    body: [
      ...gradientAndDecay(false),
      set('m', load(2)),
      set('m', lerp('m', 'g')),
      store(2, get('m')),
      set('u', max(mul(load(3), get('beta2')), add(abs(get('g')), get('eps')))),
      store(3, get('u')),
      store(PARAM, add(get('x'), div(mul(get('negativeStep'), get('m')), get('u')))),
    ],
  },
  {
    name: 'adagrad',
    doc: 'Adagrad (dense gradients); regions: θ, g, s.',
    scalars: ['sign', 'weightDecay', 'eps', 'negativeStep'],
    flags: ['coupled'],
    temps: ['g', 'x', 's'],
    body: [
      ...gradientAndDecay(false),
      set('s', add(load(2), mul(get('g'), get('g')))),
      store(2, get('s')),
      store(PARAM, add(get('x'), div(mul(get('negativeStep'), get('g')), add(sqrt(get('s')), get('eps'))))),
    ],
  },
  {
    name: 'rmsprop',
    doc: 'RMSprop; regions: θ, g, v, ḡ (when `centered`), b (with `momentum`).',
    scalars: ['sign', 'weightDecay', 'alpha', 'weight', 'lerpCoefficient', 'eps', 'momentum', 'negativeLr'],
    flags: ['coupled', 'lerpSmall', 'centered', 'hasMomentum'],
    temps: ['g', 'x', 'v', 'mean', 'd', 'b'],
    body: [
      ...gradientAndDecay(false),
      set('v', load(2)),
      set('v', averageSquare('v', 'g', 'alpha', 'weight')),
      store(2, get('v')),
      `(if (local.get $centered)
        (then
          ${set('mean', load(3))}
          ${set('mean', lerp('mean', 'g'))}
          ${store(3, get('mean'))}
          ${set('d', sqrt(sub(get('v'), mul(get('mean'), get('mean')))))})
        (else ${set('d', sqrt(get('v')))}))`,
      set('d', add(get('d'), get('eps'))),
      `(if (local.get $hasMomentum)
        (then
          ${set('b', add(mul(load(4), get('momentum')), div(get('g'), get('d'))))}
          ${store(4, get('b'))}
          ${store(PARAM, add(get('x'), mul(get('negativeLr'), get('b'))))})
        (else ${store(PARAM, add(get('x'), div(mul(get('negativeLr'), get('g')), get('d'))))}))`,
    ],
  },
  {
    name: 'adadelta',
    doc: 'Adadelta; regions: θ, g, v, u.',
    scalars: ['sign', 'weightDecay', 'rho', 'weight', 'eps', 'negativeLr'],
    flags: ['coupled'],
    temps: ['g', 'x', 'v', 'u', 'delta'],
    body: [
      ...gradientAndDecay(false),
      set('v', load(2)),
      set('v', averageSquare('v', 'g', 'rho', 'weight')),
      store(2, get('v')),
      set('u', load(3)),
      set('delta', mul(div(sqrt(add(get('u'), get('eps'))), sqrt(add(get('v'), get('eps')))), get('g'))),
      set('u', averageSquare('u', 'delta', 'rho', 'weight')),
      store(3, get('u')),
      store(PARAM, add(get('x'), mul(get('negativeLr'), get('delta')))),
    ],
  },
  {
    name: 'rprop',
    doc: 'Rprop; regions: θ, g, previous g, step sizes.',
    scalars: ['sign', 'etaMinus', 'etaPlus', 'low', 'high'],
    flags: [],
    temps: ['g', 'product', 'negative', 'factor', 'size', 's'],
    body: [
      set('g', mul(load(GRAD), get('sign'))),
      set('product', mul(get('g'), load(2))),
      set('negative', `(f32x4.lt ${get('product')} (v128.const f32x4 0 0 0 0))`),
      // η₊ where the product is positive, η₋ where negative, 1 where zero, the product (NaN) else.
      set('factor', select(get('etaPlus'), select(get('etaMinus'), select('(v128.const f32x4 1 1 1 1)', get('product'), `(f32x4.eq ${get('product')} (v128.const f32x4 0 0 0 0))`), get('negative')), `(f32x4.gt ${get('product')} (v128.const f32x4 0 0 0 0))`)),
      set('size', min(max(mul(load(3), get('factor')), get('low')), get('high'))),
      store(3, get('size')),
      set('g', `(v128.andnot ${get('g')} ${get('negative')})`),
      // sign(g): (g < 0) − (g > 0) on the all-ones masks is +1, −1 or 0; where 0, g itself (±0, NaN).
      set('s', `(f32x4.convert_i32x4_s (i32x4.sub (f32x4.lt ${get('g')} (v128.const f32x4 0 0 0 0)) (f32x4.gt ${get('g')} (v128.const f32x4 0 0 0 0))))`),
      set('s', select(get('g'), get('s'), `(f32x4.eq ${get('s')} (v128.const f32x4 0 0 0 0))`)),
      store(PARAM, sub(load(PARAM), mul(get('s'), get('size')))),
      store(2, get('g')),
    ],
  },
];

const indent = (lines, spaces) => lines.map((line) => `${' '.repeat(spaces)}${line}`).join('\n');

/** The lines of a body entry: a multi-line one keeps its own nesting, two spaces in from its first line. */
function entryLines(entry) {
  const [first, ...rest] = entry.split('\n');
  const margin = Math.min(...rest.map((line) => line.length - line.trimStart().length));
  return [first, ...rest.map((line) => `  ${line.slice(margin)}`)];
}

/** One kernel: `name(n, …scalars, …flags)` over the first n elements of each region. */
function kernelWat({ name, doc, scalars, flags, temps, body }) {
  const params = [...scalars.map((s) => `(param $${s}.f32 f32)`), ...flags.map((f) => `(param $${f} i32)`)];
  const vectors = [...scalars, ...temps, ...(flags.includes('lerpSmall') ? ['lerpStart'] : [])];
  return `  ;; ${doc}
  (func (export "${name}") (param $n i32) ${params.join(' ')}
    (local $i i32) (local $end i32) ${vectors.map((v) => `(local $${v} v128)`).join(' ')}
${indent(scalars.map((s) => set(s, `(f32x4.splat (local.get $${s}.f32))`)), 4)}
${flags.includes('lerpSmall') ? `    ${set('lerpStart', '(i32x4.splat (i32.sub (i32.const 0) (local.get $lerpSmall)))')}\n` : ''}    ;; Whole vectors: lanes past n hold leftovers of an earlier call, computed and never copied out.
    (local.set $end (i32.shl (local.get $n) (i32.const 2)))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (local.get $end)))
${indent(body.flatMap(entryLines), 8)}
        (local.set $i (i32.add (local.get $i) (i32.const 16)))
        (br $next))))`;
}

/** The module's text. */
export function optimizersWat() {
  return `;; Generated by scripts/build-wasm.mjs: edit that file, not this one.
;; Float32 optimizer steps in f32x4 lanes; see src/optimizers/wasm/kernels.ts.
(module
  ;; ${REGIONS} regions of ${CHUNK} floats, one page each; the memory never grows.
  (memory (export "memory") ${REGIONS})

${KERNELS.map(kernelWat).join('\n\n')})
`;
}

/** Assembles the text into bytes with wabt. */
export async function assemble(text) {
  const toolkit = await wabt();
  const module = toolkit.parseWat('optimizers.wat', text, { simd: true });
  try {
    module.validate();
    return module.toBinary({ canonicalize_lebs: true }).buffer;
  } finally {
    module.destroy();
  }
}

/** The TypeScript module that ships the bytes and the layout. */
export function bytesModule(bytes) {
  const base64 = Buffer.from(bytes).toString('base64');
  const chunks = base64.match(/.{1,100}/g) ?? [];
  const signature = (k) => `  ${k.name}(n: number, ${[...k.scalars, ...k.flags].map((p) => `${p}: number`).join(', ')}): void;`;
  return `// Generated by scripts/build-wasm.mjs from optimizers.wat: do not edit. ${bytes.length} bytes.

/** The float32 SIMD optimizer kernels, base64-encoded. */
export const optimizersWasmBase64 =
${chunks.map((chunk) => `  '${chunk}'`).join(' +\n')};

/** Floats of each array per kernel call; region k of the memory starts at float k·CHUNK. */
export const CHUNK = ${CHUNK};

/** The module's kernels: each updates the first n elements of its regions (flags are 0 or 1). */
export interface OptimizerKernels {
${KERNELS.map(signature).join('\n')}
}
`;
}

/** A fresh build: the text and the TypeScript module, as they should be committed. */
export async function build() {
  const wat = optimizersWat();
  const bytes = await assemble(wat);
  return { wat, ts: bytesModule(bytes), bytes };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { wat, ts, bytes } = await build();
  writeFileSync(WAT_PATH, wat);
  writeFileSync(TS_PATH, ts);
  console.log(`wrote ${bytes.length} bytes of wasm to ${TS_PATH}`);
}
