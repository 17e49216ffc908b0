/** The benchmark table and docs/performance.md, built from measured rows. */
import { cpus, totalmem } from 'node:os';
import { readFileSync } from 'node:fs';

/** Writes a progress line to stderr, so stdout holds only the table. */
export function progress(message: string): void {
  process.stderr.write(`${message}\n`);
}

/** One measured benchmark: the same work in torchlet and in TensorFlow.js's CPU backend. */
export interface Row {
  /** What was computed, e.g. `matmul 512×512 f32`. */
  name: string;
  /** The torchlet backend (`'js'`, `'wasm'`) for cases that run its kernels; absent for the others. */
  backend?: string;
  /** `'gflops'` rows show GFLOP/s (higher is better) and the time; `'ms'` rows show the time only. */
  unit: 'gflops' | 'ms';
  /** Floating-point operations of one run, for `'gflops'` rows. */
  flops?: number;
  /** Median ms of one torchlet run, or a message saying why it is missing. */
  torchlet: number | string;
  /** Median ms of one tfjs run (CPU backend), or a message saying why it is missing. */
  tfjs: number | string;
  /** Median ms of one run on tfjs's WASM backend, or why it is missing; absent: not run there. */
  tfjsWasm?: number | string;
}

function formatCell(row: Row, ms: number | string): string {
  if (typeof ms === 'string') return ms;
  const time = ms >= 100 ? ms.toFixed(0) : ms >= 10 ? ms.toFixed(1) : ms.toFixed(2);
  if (row.unit === 'ms' || row.flops === undefined) return `${time} ms`;
  return `${(row.flops / (ms * 1e6)).toFixed(2)} GFLOP/s (${time} ms)`;
}

/**
 * How many times faster torchlet is than tfjs (> 1: torchlet faster), against `other` (by default
 * the CPU backend's time), or `—` when a side is missing.
 */
export function speedRatio(row: Row, other: number | string | undefined = row.tfjs): string {
  if (typeof row.torchlet === 'string' || typeof other !== 'number') return '—';
  return `${(other / row.torchlet).toFixed(2)}×`;
}

/** The rows as a Markdown table. */
export function formatTable(rows: readonly Row[]): string {
  const lines = [
    '| benchmark | torchlet backend | torchlet | tfjs (cpu backend) | tfjs (wasm backend) | torchlet speed ÷ tfjs cpu speed | torchlet speed ÷ tfjs wasm speed |',
    '| --- | --- | --- | --- | --- | --- | --- |',
  ];
  for (const row of rows) {
    const wasm = row.tfjsWasm === undefined ? '—' : formatCell(row, row.tfjsWasm);
    lines.push(`| ${row.name} | ${row.backend ?? '—'} | ${formatCell(row, row.torchlet)} | ${formatCell(row, row.tfjs)} | ${wasm} | ${speedRatio(row)} | ${speedRatio(row, row.tfjsWasm ?? '—')} |`);
  }
  return lines.join('\n');
}

/** The machine the numbers were measured on, as Markdown list items. */
export function describeMachine(date: Date = new Date()): string {
  let model = cpus()[0]?.model ?? 'unknown CPU';
  try {
    const name = /^model name\s*:\s*(.+)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1];
    if (name && name.length > model.length) model = name;
  } catch {
    // Not Linux: os.cpus() is all there is.
  }
  return [
    `- CPU: ${model.trim()}, ${cpus().length} logical cores (each benchmark runs on one thread)`,
    `- Memory: ${(totalmem() / 2 ** 30).toFixed(0)} GiB`,
    `- Node ${process.version} (V8 ${process.versions.v8}), ${process.platform}-${process.arch}`,
    `- Date: ${date.toISOString().slice(0, 10)}`,
  ].join('\n');
}

/** The whole of docs/performance.md. */
export function performanceDoc(table: string, machine: string): string {
  return `# Performance

How fast \`@torchlet/tensor\`'s kernels and \`@torchlet/optim\`'s optimizer steps are, next to the
same work in [TensorFlow.js](https://www.tensorflow.org/js) 4.22 with its pure-JavaScript CPU
backend (\`@tensorflow/tfjs-backend-cpu\`), on one machine and one thread. Both run in the same
Node process, on float32 data. Cases built on the matrix product (matmul, conv2d) run once on each
torchlet backend: \`js\` (pure TypeScript) and \`wasm\` (WebAssembly SIMD, the default wherever
it is supported; see [tensor.md](tensor.md#backends)). This file is written by the benchmark: run
\`pnpm bench\` at the root (or \`pnpm --filter @torchlet/bench bench\`) to measure again and
rewrite it; it takes about a minute.

## Results

${table}

Measured on:

${machine}

## How it is measured

- Each case runs twice untimed (so V8 has compiled the hot code; optimizer steps: six, see
  below), then as many timed runs as fit in about 1.5 s (3 to 25), and the table shows the
  **median**.
- A run includes allocating the output and, for tfjs, reading it back with \`dataSync()\` and
  disposing it: the work a caller waits for. Inputs are created once, outside the timing.
- matmul: two random n×n float32 matrices, \`matmul(a, b)\` against \`tf.matMul(a, b)\`;
  GFLOP/s counts 2n³ operations. tfjs is timed once per size; both backends' rows show that time.
- conv2d: batch 32, 3 → 16 channels, 32×32 images, 3×3 kernel, padding 1, stride 1, with bias:
  \`conv2d(x, w, b, { padding: 1 })\` on NCHW data against \`tf.fused.conv2d\` (\`pad: 'same'\`) on
  NHWC data, tfjs's native layout. Both results are compared before timing.
- Optimizer steps: one parameter of 1,000,000 float32 values with a fixed, precomputed random
  gradient; a run is one \`optimizer.step()\` against one \`optimizer.applyGradients({ name:
  gradient })\` on a \`tf.variable\`. The first step, which creates the state (moment buffers and
  so on), and five more run untimed, so the timing is the steady state (RAdam past its warm-up
  branch). tfjs's CPU backend runs kernels synchronously, so the variable holds its new values
  when \`applyGradients\` returns and nothing is read back. Hyperparameters are PyTorch's
  defaults (\`momentum: 0.9\` for the second SGD row), passed to tfjs too; Adagrad's accumulator
  starts at tfjs's 0.1. tfjs has \`sgd\`, \`momentum\`, \`adagrad\`, \`rmsprop\`, \`adadelta\`, \`adam\`
  and \`adamax\`; the other rows say —. Before timing, the first steps of the two are compared
  where |g| ≥ 0.1 (tfjs puts ε elsewhere in RMSprop and Adamax, which shows only for gradients
  near ε), except Adadelta's: tfjs divides by the previous E[g²] instead of the updated one, so
  its steps differ from PyTorch's and only its moving is checked. tfjs builds each update from
  whole-tensor ops (fourteen for Adam), each writing a new million-element tensor; torchlet
  runs one loop over the elements.
- The last column is how many times faster torchlet is (tfjs time ÷ torchlet time).
- The bench loads its TypeScript with tsx's ESM hooks only (\`--import tsx/esm\`): loading tfjs
  through tsx's CommonJS hook detaches an ArrayBuffer (\`node --trace-protector-invalidation\`
  shows it), and once any ArrayBuffer in the process has been detached V8 checks for detachment
  on every typed-array access in optimised code, so every kernel here, torchlet's and tfjs's
  alike, runs 10–15% slower. The same
  happens in an application that transfers buffers (\`postMessage\` with a transfer list,
  \`ArrayBuffer.prototype.transfer\`).

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
`;
}
