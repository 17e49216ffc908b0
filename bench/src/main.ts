/**
 * Benchmarks torchlet against TensorFlow.js (CPU and WASM backends), js-pytorch and, when
 * installed, PyTorch. Each framework (and each torchlet configuration) runs in its own process,
 * one after another: the JavaScript ones compiled and on plain Node (see processes.ts), PyTorch
 * in Python. This parent writes the cases, collects each process's JSON, checks its outputs against
 * torchlet's and prints a Markdown table; with `--write`, it also rewrites docs/performance.md.
 * Run with `pnpm bench` at the repo root. `--only=<id prefix>` (e.g. `--only=matmul`) runs a
 * subset, for development.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BenchCase, CASES, type CaseFile, OPTIMIZER_WARMUP, runsCase, TIMING, TORCHLET_CONFIGURATIONS } from './cases.js';
import { BENCH_DIR, compileSources, findPytorch, nodeProcess, runProcess } from './processes.js';
import { describeMachine, formatTable, type OtherFramework, performanceDoc } from './report.js';
import { buildRows, type ProcessResult, type ThreadedResults } from './rows.js';

/** The versions bench/package.json pins, for the machine description. */
function pinnedVersions(): string[] {
  const { devDependencies } = JSON.parse(readFileSync(join(BENCH_DIR, 'package.json'), 'utf8')) as { devDependencies: Record<string, string> };
  return [`TF.js ${devDependencies['@tensorflow/tfjs']} (\`@tensorflow/tfjs\`, with \`@tensorflow/tfjs-backend-wasm\` ${devDependencies['@tensorflow/tfjs-backend-wasm']})`, `js-pytorch ${devDependencies['js-pytorch']}`];
}

/** Writes the cases for the processes to read, at `path`. */
function writeCases(path: string, cases: readonly BenchCase[]): string {
  const caseFile: CaseFile = { cases, timing: TIMING, optimizerWarmup: OPTIMIZER_WARMUP };
  writeFileSync(path, JSON.stringify(caseFile));
  return path;
}

async function main(): Promise<void> {
  const only = process.argv.find((arg) => arg.startsWith('--only='))?.slice('--only='.length);
  const cases = CASES.filter(({ id }) => only === undefined || id.startsWith(only));
  const directory = mkdtempSync(join(tmpdir(), 'torchlet-bench-'));
  try {
    const casePath = writeCases(join(directory, 'cases.json'), cases);
    const resultPath = join(directory, 'result.json');
    const compiled = join(directory, 'compiled');
    await compileSources(compiled);
    const torchlet = TORCHLET_CONFIGURATIONS.map((configuration) => ({ configuration, result: runProcess(nodeProcess(`torchlet ${configuration.name}`, compiled, 'torchlet', [configuration.name]), casePath, resultPath) }));
    const python = findPytorch();
    const pytorch = (threads: number, path: string): ProcessResult =>
      python === null ? 'not installed' : runProcess({ label: `pytorch, ${threads} thread${threads === 1 ? '' : 's'}`, command: python, args: [join(BENCH_DIR, 'python', 'bench.py')], extra: [String(threads)] }, path, resultPath);
    const others: Record<OtherFramework, ProcessResult> = {
      'tfjs-cpu': runProcess(nodeProcess('tfjs cpu', compiled, 'tfjs', ['cpu']), casePath, resultPath),
      'tfjs-wasm': runProcess(nodeProcess('tfjs wasm', compiled, 'tfjs', ['wasm'], "TF.js's WASM backend detaches its memory's buffer when the memory grows"), casePath, resultPath),
      'js-pytorch': runProcess(nodeProcess('js-pytorch', compiled, 'js-pytorch'), casePath, resultPath),
      pytorch: pytorch(1, casePath),
    };
    // PyTorch again with the threads of each multi-threaded torchlet configuration, on its cases.
    const threaded: ThreadedResults = new Map(
      TORCHLET_CONFIGURATIONS.filter(({ threads }) => threads > 1).flatMap((configuration) => {
        const ran = cases.filter((spec) => runsCase(configuration, spec, false));
        if (ran.length === 0) return [];
        const path = writeCases(join(directory, `cases-${configuration.threads}-threads.json`), ran);
        return [[configuration.threads, { pytorch: pytorch(configuration.threads, path) }] as const];
      }),
    );
    const table = formatTable(buildRows(cases, torchlet, others, threaded));
    const pytorchDetails = typeof others.pytorch === 'string' ? [`PyTorch: ${others.pytorch} (no \`python3\` that can \`import torch\`)`] : others.pytorch.details;
    const machine = describeMachine([...pinnedVersions(), ...pytorchDetails]);
    process.stdout.write(`\n${table}\n\n${machine}\n`);
    if (process.argv.includes('--write')) {
      const path = new URL('../../docs/performance.md', import.meta.url);
      writeFileSync(path, performanceDoc(table, machine));
      process.stdout.write(`\nwrote ${path.pathname}\n`);
    }
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
}

await main();
