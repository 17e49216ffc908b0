/** The benchmark table and docs/performance.md, built from the frameworks' results. */
import { readFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';

/** A median time in ms, or why there is none (`cannot: …`, `failed: …`, `not installed`, …). */
export type Cell = number | string;

/** The frameworks torchlet is compared with, in column order. */
export const OTHER_FRAMEWORKS = ['tfjs-cpu', 'tfjs-wasm', 'js-pytorch', 'pytorch'] as const;
export type OtherFramework = (typeof OTHER_FRAMEWORKS)[number];

/** The JavaScript alternatives, whose fastest is the ratio column's reference. */
export const JS_FRAMEWORKS: readonly OtherFramework[] = ['tfjs-cpu', 'tfjs-wasm', 'js-pytorch'];

/** Column titles. */
export const FRAMEWORK_TITLES: Record<OtherFramework, string> = { 'tfjs-cpu': 'TF.js CPU', 'tfjs-wasm': 'TF.js WASM', 'js-pytorch': 'js-pytorch', pytorch: 'PyTorch' };

/** One line of the table: a case on one torchlet configuration, next to the other frameworks. */
export interface Row {
  /** What was computed, e.g. `matmul 512×512 @ 512×512, f32`. */
  name: string;
  /** The torchlet configuration (`wasm, 1 thread`, …) for cases that depend on it; absent for the others. */
  configuration?: string;
  /** `'gflops'` rows show GFLOP/s (higher is better) and the time; `'ms'` rows show the time only. */
  unit: 'gflops' | 'ms';
  /** Floating-point operations of one run, for `'gflops'` rows. */
  flops?: number;
  torchlet: Cell;
  others: Record<OtherFramework, Cell>;
}

/** Three significant digits, whole ms from 100; the thresholds sit where rounding would add a digit (9.996 → 10.0). */
function formatTime(ms: number): string {
  return ms >= 99.95 ? ms.toFixed(0) : ms >= 9.995 ? ms.toFixed(1) : ms.toFixed(2);
}

/** A cell: the time (with GFLOP/s for `'gflops'` rows), or the reason it is missing. */
export function formatCell(row: Row, cell: Cell): string {
  if (typeof cell === 'string') return cell;
  if (row.unit === 'ms' || row.flops === undefined) return `${formatTime(cell)} ms`;
  return `${(row.flops / (cell * 1e6)).toFixed(2)} GFLOP/s (${formatTime(cell)} ms)`;
}

/** The fastest measured JavaScript alternative of a row, or null when none was measured. */
export function fastestJs(row: Row): { framework: OtherFramework; ms: number } | null {
  let fastest: { framework: OtherFramework; ms: number } | null = null;
  for (const framework of JS_FRAMEWORKS) {
    const ms = row.others[framework];
    if (typeof ms === 'number' && (fastest === null || ms < fastest.ms)) fastest = { framework, ms };
  }
  return fastest;
}

/**
 * torchlet's time divided by `other` (below 1, torchlet is faster): two decimals from 0.1 to 10,
 * fewer above, two significant digits below, or `—` when either is not a time.
 */
export function formatRatio(torchlet: Cell, other: Cell | undefined): string {
  if (typeof torchlet !== 'number' || typeof other !== 'number') return '—';
  const ratio = torchlet / other;
  return `${ratio >= 100 ? ratio.toFixed(0) : ratio >= 10 ? ratio.toFixed(1) : ratio >= 0.1 ? ratio.toFixed(2) : ratio.toPrecision(2)}×`;
}

/** The ratio column: torchlet's time ÷ the fastest JavaScript alternative's, naming it. */
export function fastestJsRatio(row: Row): string {
  const fastest = fastestJs(row);
  if (fastest === null || typeof row.torchlet !== 'number') return '—';
  return `${formatRatio(row.torchlet, fastest.ms)} (${FRAMEWORK_TITLES[fastest.framework]})`;
}

/**
 * The rows as a Markdown table. The "÷ PyTorch" column is there only when PyTorch measured
 * something.
 */
export function formatTable(rows: readonly Row[]): string {
  const withPytorch = rows.some((row) => typeof row.others.pytorch === 'number');
  const titles = ['benchmark', 'torchlet backend', 'torchlet', ...OTHER_FRAMEWORKS.map((framework) => FRAMEWORK_TITLES[framework]), 'torchlet ÷ fastest JS (time; < 1: torchlet faster)'];
  if (withPytorch) titles.push('torchlet ÷ PyTorch (time)');
  const lines = [`| ${titles.join(' | ')} |`, `|${' --- |'.repeat(titles.length)}`];
  for (const row of rows) {
    const cells = [row.name, row.configuration ?? '—', formatCell(row, row.torchlet), ...OTHER_FRAMEWORKS.map((framework) => formatCell(row, row.others[framework])), fastestJsRatio(row)];
    if (withPytorch) cells.push(formatRatio(row.torchlet, row.others.pytorch));
    lines.push(`| ${cells.join(' | ')} |`);
  }
  return lines.join('\n');
}

/**
 * The machine the numbers were measured on, and `details` (the frameworks' versions), as Markdown
 * list items.
 */
export function describeMachine(details: readonly string[] = [], date: Date = new Date()): string {
  let model = cpus()[0]?.model ?? 'unknown CPU';
  try {
    const name = /^model name\s*:\s*(.+)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1];
    if (name && name.length > model.length) model = name;
  } catch {
    // Not Linux: os.cpus() is all there is.
  }
  return [
    `- CPU: ${model.trim()}, ${cpus().length} logical cores (each benchmark runs on one thread unless its row says otherwise)`,
    `- Memory: ${(totalmem() / 2 ** 30).toFixed(0)} GiB`,
    `- Node ${process.version} (V8 ${process.versions.v8}), ${process.platform}-${process.arch}`,
    ...details.map((detail) => `- ${detail}`),
    `- Date: ${date.toISOString().slice(0, 10)}`,
  ].join('\n');
}

/** The whole of docs/performance.md. */
export function performanceDoc(table: string, machine: string): string {
  return `# Performance

How fast \`@torchlet/tensor\`'s kernels, \`@torchlet/autograd\`'s backward passes and
\`@torchlet/optim\`'s optimizer steps are, next to the same work in
[TensorFlow.js](https://www.tensorflow.org/js) with its pure-JavaScript CPU backend and its
WebAssembly backend, in [js-pytorch](https://www.npmjs.com/package/js-pytorch), and, when it is
installed, in PyTorch, so the table shows how far torchlet is from native code. Everything runs
on one machine and on float32 data, on one thread except in the rows that say two, and each
framework runs in a process of its own. Cases that run torchlet's kernels run once per torchlet
configuration, named in the *torchlet backend* column: the \`wasm\` backend (WebAssembly SIMD,
the default wherever it is supported; see [tensor.md](tensor.md#backends)) on one thread and, for
the cases with matrix products, on two (see [tensor.md](tensor.md#threads)), and the \`js\`
backend (pure TypeScript). This file is written by the benchmark: run \`pnpm bench\` at
the root (or \`pnpm --filter @torchlet/bench bench\`) to measure again and rewrite it; it takes
about two minutes.

## Results

${table}

Measured on:

${machine}

## How it is measured

- **One process per framework, on plain Node.** \`bench/src/main.ts\` writes the cases
  (\`bench/src/cases.ts\`) to a JSON file, compiles the TypeScript of the bench and of the
  workspace packages into a temporary folder with esbuild, and runs, one after another: torchlet
  once per configuration (\`bench/src/frameworks/torchlet.ts\`), TF.js on its CPU backend and on
  its WASM backend (\`frameworks/tfjs.ts\`), js-pytorch (\`frameworks/js-pytorch.ts\`), all
  three with plain \`node\`, and PyTorch (\`bench/python/bench.py\`). Each writes back its times
  and samples of its outputs, and the parent builds the table. Once any ArrayBuffer in a process
  has been detached, V8 checks for detachment on every typed-array access in optimised code, and
  JavaScript loops over typed arrays slow down (an Adam loop over a million float32 values took
  5.5 ms instead of 4.9). TF.js's WASM backend detaches its memory's buffer whenever the memory
  grows, hence a process per framework; tsx's \`--import tsx/esm\`, which the parent runs with,
  invalidates the same protector as it starts, hence compiled files and plain \`node\` for the
  processes that measure. They are compiled file by file
  rather than bundled: esbuild's bundles turn module-level \`const\`s into \`var\`s, which V8
  does not treat as constants in optimised code, and bundled, the js backend's float32 tanh took
  twice as long. Node runs each of these processes with \`--trace-protector-invalidation\`, and
  one that invalidates V8's ArrayBufferDetaching protector fails (its cells say so), TF.js
  WASM's excepted. The same slowdown happens in an application that transfers buffers
  (\`postMessage\` with a transfer list, \`ArrayBuffer.prototype.transfer\`).
- **The same numbers everywhere.** Every process builds its inputs from the same seeds with the
  same generator (the Python side computes the same LCG with numpy, bit for bit), and the models
  of the training steps start from the same weights, uniform in ±1/√fan-in from those seeds,
  rather than from each framework's initialiser.
- **Checked before timing.** Each process reports up to 1,024 evenly spread values of every
  output: the matrix product, the convolution's output and its three gradients, the losses of
  the first two training steps, the elementwise result, the parameters after an optimizer's
  first step. The parent compares them with those of torchlet's first configuration: they must
  agree within 10⁻⁴ of the largest value (matmul, conv2d), 10⁻³ (losses) or 10⁻⁵ (the chain),
  and an optimizer's first step within 10⁻³ of the largest step, over the elements whose
  gradient is at least 0.1 (TF.js puts ε elsewhere in RMSprop and Adamax, which shows only
  where the gradient is near ε). A framework that disagrees gets \`wrong result: …\` instead of
  a time; a torchlet configuration that disagrees with the first stops the bench. Where a
  framework's rule is not PyTorch's, only what it shares is checked: TF.js's Adadelta (it
  divides by the previous E[g²], not the updated one), js-pytorch's Adam (no bias correction)
  and PyTorch 1.x's NAdam (it multiplies μₜ into the next μ product twice, fixed in PyTorch
  2.0, whose rule torchlet follows) are only checked to move the parameters, and js-pytorch's
  MLP step only by its first loss, which comes before any update.
- **Timing.** Untimed runs first, at least two and for at least 300 ms (so V8 has compiled the
  hot code, WebAssembly included: it starts on a baseline compiler and swaps in optimised code
  compiled in the background; a run slower than a second is warm after one), then as many timed
  runs as fit in one second, 3 to 61, and the
  table shows the **median**. A run includes allocating the outputs and, for TF.js, reading
  them back with \`dataSync()\` and disposing them: the work a caller waits for. Inputs are
  created once, outside the timing.
- **Threads.** Each torchlet process sets its thread count before anything is timed:
  \`setNumThreads(1)\`, or \`setNumThreads(2)\` and \`await threadsReady()\`, so that the
  workers are running before the first timed product. Only the wasm backend's float32 matrix
  products of at least 128³ multiply-adds use a second thread: the matmuls and the GEMMs inside
  the convolutions and the training steps, which are the cases with a \`wasm, 2 threads\` row
  (LeNet's per-image convolution GEMMs, 0.1–0.5 million multiply-adds, are below that size);
  the elementwise chain and the optimizer steps always run on one. TF.js's WASM backend runs on
  one thread under Node (it loads its threaded build only in a browser with cross-origin
  isolation), and TF.js's CPU backend and js-pytorch are single-threaded JavaScript, so on the
  two-thread rows *torchlet ÷ fastest JS* sets two threads against one. PyTorch runs on one
  thread (\`torch.set_num_threads(1)\`, and \`openblas_set_num_threads(1)\` when its BLAS is
  OpenBLAS, which otherwise starts a thread per core whatever torch was told), and again on two
  for the two-thread rows, so its column and *torchlet ÷ PyTorch* compare equal thread counts.
- **matmul**: two random n×n matrices; \`matmul(a, b)\`, \`tf.matMul\`, js-pytorch's
  \`matmul\` (nested arrays of doubles), \`torch.mm\`. GFLOP/s counts 2n³ operations.
- **conv2d**: the two convolutions of the demo's LeNet-5 on a batch of 32, stride 1, with bias.
  Forward: the tensor layer's \`conv2d\` against \`tf.fused.conv2d\` (bias folded in, TF.js's
  fastest path, on NHWC data, its layout) and \`F.conv2d\` under \`torch.no_grad()\`. Forward +
  backward: through autograd, the output's \`backward\` with a fixed random upstream gradient,
  giving the gradients of the input, the weight and the bias; in TF.js \`tf.valueAndGrads\` of
  \`conv2d\` plus bias, reading back the output and the three gradients; in PyTorch the same
  as torchlet.
- **Training steps**: zero the gradients, forward, mean cross-entropy, backward, one Adam step
  (lr 10⁻³, betas 0.9/0.999, ε 10⁻⁸), reading the loss back; the models are the MLP
  784-256-128-10 and the demo's LeNet-5 (\`examples/mnist-cnn/src/lenet.ts\`) with ReLU and
  max pooling. TF.js runs \`optimizer.minimize(loss, true, variables)\` with the full
  \`@tensorflow/tfjs\` package, whose CommonJS build registers the gradients (tfjs-core's own
  registration is an ES module that Node cannot load). js-pytorch runs its \`nn.Linear\`,
  \`nn.CrossEntropyLoss\` and \`optim.Adam\`, with ReLU as a multiply by a 0/1 mask, the way its
  own \`nn.ReLU\` is built (that one keeps 0.001·x below zero).
- **Elementwise chain**: tanh(x·2+1)·x on a million values, four ops in every framework but
  js-pytorch, which has no tanh: there it is (e^{2z} − 1)/(e^{2z} + 1), eight ops.
- **Optimizer steps**: one parameter of a million values with a fixed random gradient. The
  hyperparameters are written out in \`bench/src/cases.ts\` (PyTorch's defaults, with Adagrad's
  accumulator starting at TF.js's 0.1) and passed to every framework. The first step, which
  creates the state, and five more run untimed, so the timing is the steady state (RAdam past
  its warm-up branch). TF.js runs \`optimizer.applyGradients\` on a \`tf.variable\`; both of its
  backends run kernels synchronously, so the variable holds its new values when it returns and
  nothing is read back. TF.js has SGD, momentum, Adagrad, RMSprop, Adadelta, Adam and Adamax;
  js-pytorch has Adam only.
- **Columns.** *torchlet backend* is the torchlet configuration of the row, its backend and
  thread count (— for the optimizer steps, which neither changes). *torchlet ÷ fastest JS* is
  torchlet's time divided by the fastest time among TF.js CPU, TF.js WASM and js-pytorch on that
  row, named in brackets: below 1, torchlet is faster (0.5× takes half the time), above 1,
  slower. *torchlet ÷ PyTorch* is torchlet's time divided by PyTorch's on as many threads; it is
  there only when PyTorch ran.
- **Cells without a time.** \`cannot: …\`: the framework lacks what the case needs (TF.js's WASM
  backend has no \`Conv2DBackpropFilter\` kernel, so no convolution backward and no CNN
  training; js-pytorch has no convolution; an optimizer it does not have). \`failed: …\`: it
  threw (the bench's log has the stack), or its process invalidated V8's ArrayBufferDetaching
  protector (see above). \`wrong result: …\`: see above. \`not installed\`: no
  Python that can \`import torch\`. \`not measured\`: the framework reported nothing for that case.
- **PyTorch** is an optional column: the bench uses Debian's \`/usr/bin/python3\` (package
  \`python3-torch\`) or else the \`python3\` on PATH, whichever can \`import torch\`. Its
  matrix products go through the BLAS library that the machine line names: Debian's default
  \`libblas3\` is the unoptimised reference BLAS, about ten times slower than OpenBLAS
  (\`apt-get install libopenblas0-pthread\` switches \`libblas.so.3\` to it), so read PyTorch's
  matmul, Linear and training rows with that line in mind (its convolutions do not use it: they take
  the same time with either).
- **js-pytorch** is installed without its dependencies' install scripts, as \`--ignore-scripts\`
  would: it depends on \`@eduardoleao052/gpu\` (a fork of gpu.js), which pulls in \`gl\`
  (headless WebGL, compiled by an install script), and TF.js pulls in \`core-js\` (a postinstall
  banner). pnpm 12 runs no dependency's install script unless \`allowBuilds\` in
  \`pnpm-workspace.yaml\` approves it, and refuses to install while one is neither approved nor
  denied, so that file denies both (\`gl: false\`, \`core-js: false\`). The bench uses
  js-pytorch's \`cpu\` device only; it loads gpu.js only for \`gpu\`.

## Why the matmul is fast

Both backends compute C = A·B as Goto and van de Geijn's blocked GEMM ("Anatomy of
High-Performance Matrix Multiplication", 2008): B is packed in blocks of 256 rows by up to 2048
(js) or 4096 (wasm) columns, A in blocks of 128 rows by 256, each into a reused contiguous buffer
laid out in thin panels, so the innermost loop reads both operands sequentially whatever their
strides (transposed views cost nothing extra), and a small tile of C stays in registers across
the 256-deep block. Matrix-vector shapes (m or n = 1) skip packing on both backends: the matrix is
read in place, as dot products along its rows or, on wasm, sixteen outputs at a time down its
columns.

- **wasm** (\`packages/tensor/scripts/build-wasm.mjs\`, which generates
  \`src/backend/wasm/gemm.wat\`): the tile is 2 rows × 16 columns in eight \`f32x4\` accumulators;
  each step loads four vectors of the B panel and splats two values of the A panel, then does
  eight multiplies and eight adds (no FMA: WebAssembly's fused multiply-add is in relaxed SIMD,
  not in Node 20). That shape measured fastest on V8: 4×8 ran at about 50 GFLOP/s and 8×4 at 24
  (a \`v128.load32_splat\` costs more than a plain load), while 3×16, 2×20 and 1×32 need more than
  V8's fifteen allocatable vector registers and spill, and unrolling the depth loop made V8 spill
  too. Packing copies whole vectors when a panel's lines are adjacent in memory (row-major B,
  transposed A) and transposes 4×4 blocks with shuffles when its depth is (row-major A,
  transposed B). Operands are first copied into the module's memory at memcpy speed, about 2% of a
  1024×1024 product.
- **js** (\`packages/tensor/src/kernels/gemm.ts\`): the tile is 4×4, sixteen scalar accumulators in
  local variables, and the panels are \`Float64Array\`s, so float32 inputs are converted once per
  block and products are summed in double precision. Wider tiles (4×8, 8×4) and unrolling measured
  no faster: V8 gives JavaScript no SIMD and sixteen registers, and each typed-array load carries
  a bounds check; see the file for details.
- **threads** (wasm only; \`packages/tensor/src/backend/threads.ts\`, \`setNumThreads\`, default: the
  cores up to four): a product of at least 128³ multiply-adds is staged once into a memory shared
  with worker threads and C is cut into bands along its longer side, one per thread, each computed
  by the same kernel in the same order as on one thread (so the bits are the same). Two threads
  on this machine, one and two alternating in one process, medians of 9 rounds: 256×256 at 58 and
  91 GFLOP/s (1.56×), 512×512 at 59 and 107 (1.81×), 1024×1024 at 59 and 111 (1.89×). The
  threshold is where a second thread starts to pay when it has to be woken (30–50 µs here):
  with 300 µs between products two threads lost at 96³ (0.70×), broke even at 128³ and gained at
  192³ (1.39×); back to back, with the worker still polling, they paid from 64³ (1.15×). The
  LeNet convolutions' per-image GEMMs (0.1–0.5 million multiply-adds) stay below it, so conv2d
  runs as on one thread. On a machine whose other core is busy, a band no worker has started by
  the time the calling thread is done with its own is taken back, so a product then costs about
  what it does on one thread.
`;
}
