/**
 * Benchmarks @torchlet/tensor's matmul and conv2d (on each of its backends) and @torchlet/optim's
 * optimizer steps against TensorFlow.js's CPU backend and prints a Markdown table; with `--write`,
 * also rewrites docs/performance.md. Run with `pnpm bench` at the repo root.
 */
import { writeFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import { type BackendName, conv2d, matmul, Tensor, useBackend } from '@torchlet/tensor';
import { maxDifference, randomData } from './data.js';
import { timeMedian } from './measure.js';
import { MismatchError } from './mismatch-error.js';
import { optimizerRows } from './optimizers.js';
import { describeMachine, formatTable, performanceDoc, progress, type Row } from './report.js';
import { initTfjsWasm, onTfjsBackend } from './tfjs-wasm.js';
import { elementwiseRows, trainingStepRows } from './training.js';

const MATMUL_SIZES = [128, 256, 512, 1024];

/** The torchlet backends each GEMM-based case runs on, slowest first. */
const BACKENDS: readonly BackendName[] = ['js', 'wasm'];

async function matmulRows(n: number, wasmReady: string | null): Promise<Row[]> {
  const aData = randomData(n * n, n);
  const bData = randomData(n * n, n + 1);
  const a = Tensor.fromData(aData, [n, n], 'float32');
  const b = Tensor.fromData(bData, [n, n], 'float32');
  const ta = tf.tensor2d(aData, [n, n], 'float32');
  const tb = tf.tensor2d(bData, [n, n], 'float32');
  const tfjsRun = (): Float32Array => {
    const c = tf.matMul(ta, tb);
    const values = c.dataSync() as Float32Array;
    c.dispose();
    return values;
  };
  const expected = tfjsRun();
  const tfjs = timeMedian(tfjsRun);
  ta.dispose();
  tb.dispose();
  // The same product on tfjs's WASM backend, from tensors created there.
  const tfjsWasm =
    wasmReady ??
    (await onTfjsBackend('wasm', () => {
      const wa = tf.tensor2d(aData, [n, n], 'float32');
      const wb = tf.tensor2d(bData, [n, n], 'float32');
      const run = (): Float32Array => {
        const c = tf.matMul(wa, wb);
        const values = c.dataSync() as Float32Array;
        c.dispose();
        return values;
      };
      const difference = maxDifference(run(), expected);
      if (difference > 1e-3 * Math.sqrt(n)) throw new MismatchError(`matmul ${n}: tfjs cpu and wasm differ by ${difference}`);
      const ms = timeMedian(run).ms;
      wa.dispose();
      wb.dispose();
      return ms;
    }));
  return BACKENDS.map((backend): Row => {
    useBackend(backend);
    const difference = maxDifference(matmul(a, b).storage.data, expected);
    if (difference > 1e-3 * Math.sqrt(n)) throw new MismatchError(`matmul ${n} (${backend}): torchlet and tfjs differ by ${difference}`);
    const torchlet = timeMedian(() => matmul(a, b));
    progress(`matmul ${n} (${backend}): torchlet ${torchlet.ms.toFixed(2)} ms (${torchlet.runs} runs), tfjs ${tfjs.ms.toFixed(2)} ms (${tfjs.runs} runs), tfjs wasm ${typeof tfjsWasm === 'number' ? `${tfjsWasm.toFixed(2)} ms` : tfjsWasm}`);
    return { name: `matmul ${n}×${n} @ ${n}×${n}, f32`, backend, unit: 'gflops', flops: 2 * n ** 3, torchlet: torchlet.ms, tfjs: tfjs.ms, tfjsWasm };
  });
}

function conv2dRows(): Row[] {
  const [batch, inChannels, outChannels, size, kernel] = [32, 3, 16, 32, 3];
  const name = `conv2d [${batch},${inChannels},${size},${size}] * [${outChannels},${inChannels},${kernel},${kernel}] + bias, padding 1, f32`;
  const inputData = randomData(batch * inChannels * size * size, 7);
  const weightData = randomData(outChannels * inChannels * kernel * kernel, 8);
  const biasData = randomData(outChannels, 9);
  // tfjs wants NHWC input and [kh, kw, in, out] filters: the same numbers, transposed once here.
  const tx = tf.transpose(tf.tensor4d(inputData, [batch, inChannels, size, size]), [0, 2, 3, 1]);
  const tw = tf.transpose(tf.tensor4d(weightData, [outChannels, inChannels, kernel, kernel]), [2, 3, 1, 0]);
  const tb = tf.tensor1d(biasData);
  const tfjsRun = (): tf.Tensor => tf.fused.conv2d({ x: tx as tf.Tensor4D, filter: tw as tf.Tensor4D, strides: 1, pad: 'same', bias: tb });
  const tfjsTiming = timeMedian(() => {
    const y = tfjsRun();
    y.dataSync();
    y.dispose();
  });

  const rows = BACKENDS.map((backend): Row => {
    let torchlet: number | string;
    try {
      useBackend(backend);
      const input = Tensor.fromData(inputData, [batch, inChannels, size, size], 'float32');
      const weight = Tensor.fromData(weightData, [outChannels, inChannels, kernel, kernel], 'float32');
      const bias = Tensor.fromData(biasData, [outChannels], 'float32');
      const run = () => conv2d(input, weight, bias, { padding: 1 });
      const expected = tf.transpose(tfjsRun(), [0, 3, 1, 2]);
      const difference = maxDifference(run().toTypedArray(), expected.dataSync());
      expected.dispose();
      if (difference > 1e-4) throw new MismatchError(`torchlet and tfjs differ by ${difference}`);
      torchlet = timeMedian(run).ms;
      progress(`conv2d (${backend}): torchlet ${torchlet.toFixed(2)} ms, tfjs ${tfjsTiming.ms.toFixed(2)} ms`);
    } catch (error) {
      // A failing backend's row says why instead of failing the whole run.
      torchlet = `not measured: conv2d failed (${error instanceof Error ? error.message : String(error)})`;
      progress(`conv2d (${backend}): ${torchlet}`);
    }
    return { name, backend, unit: 'ms', torchlet, tfjs: tfjsTiming.ms };
  });
  tx.dispose();
  tw.dispose();
  tb.dispose();
  return rows;
}

async function main(): Promise<void> {
  tf.enableProdMode();
  await tf.setBackend('cpu');
  await tf.ready();
  const wasmReady = await initTfjsWasm();
  if (wasmReady !== null) progress(wasmReady);
  const rows: Row[] = [];
  for (const n of MATMUL_SIZES) rows.push(...(await matmulRows(n, wasmReady)));
  rows.push(...conv2dRows());
  rows.push(...(await trainingStepRows(wasmReady)));
  rows.push(...(await elementwiseRows(wasmReady)));
  rows.push(...optimizerRows());
  const table = formatTable(rows);
  const machine = describeMachine();
  process.stdout.write(`\n${table}\n\n${machine}\n`);
  if (process.argv.includes('--write')) {
    const path = new URL('../../docs/performance.md', import.meta.url);
    writeFileSync(path, performanceDoc(table, machine));
    process.stdout.write(`\nwrote ${path.pathname}\n`);
  }
}

await main();
