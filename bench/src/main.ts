/**
 * Benchmarks torchlet against TensorFlow.js (CPU and WASM backends), js-pytorch and, when
 * installed, PyTorch. Each framework (and each torchlet configuration) runs in its own Node or
 * Python process, one after another; this parent writes the cases, collects each process's JSON,
 * checks its outputs against torchlet's and prints a Markdown table; with `--write`, it also
 * rewrites docs/performance.md. Run with `pnpm bench` at the repo root. `--only=<id prefix>`
 * (e.g. `--only=matmul`) runs a subset, for development.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CASES, type CaseFile, OPTIMIZER_WARMUP, TIMING, TORCHLET_CONFIGURATIONS } from './cases.js';
import { BENCH_DIR, findPytorch, nodeProcess, runProcess } from './processes.js';
import { describeMachine, formatTable, type OtherFramework, performanceDoc } from './report.js';
import { buildRows, type ProcessResult } from './rows.js';

/** The versions bench/package.json pins, for the machine description. */
function pinnedVersions(): string[] {
  const { devDependencies } = JSON.parse(readFileSync(join(BENCH_DIR, 'package.json'), 'utf8')) as { devDependencies: Record<string, string> };
  return [`TF.js ${devDependencies['@tensorflow/tfjs']} (\`@tensorflow/tfjs\`, with \`@tensorflow/tfjs-backend-wasm\` ${devDependencies['@tensorflow/tfjs-backend-wasm']})`, `js-pytorch ${devDependencies['js-pytorch']}`];
}

async function main(): Promise<void> {
  const only = process.argv.find((arg) => arg.startsWith('--only='))?.slice('--only='.length);
  const cases = CASES.filter(({ id }) => only === undefined || id.startsWith(only));
  const directory = mkdtempSync(join(tmpdir(), 'torchlet-bench-'));
  try {
    const casePath = join(directory, 'cases.json');
    const resultPath = join(directory, 'result.json');
    const caseFile: CaseFile = { cases, timing: TIMING, optimizerWarmup: OPTIMIZER_WARMUP };
    writeFileSync(casePath, JSON.stringify(caseFile));
    const torchlet = TORCHLET_CONFIGURATIONS.map((configuration) => ({ configuration, result: runProcess(nodeProcess(`torchlet ${configuration.name}`, 'torchlet.ts', [configuration.name]), casePath, resultPath) }));
    const python = findPytorch();
    const others: Record<OtherFramework, ProcessResult> = {
      'tfjs-cpu': runProcess(nodeProcess('tfjs cpu', 'tfjs.ts', ['cpu']), casePath, resultPath),
      'tfjs-wasm': runProcess(nodeProcess('tfjs wasm', 'tfjs.ts', ['wasm']), casePath, resultPath),
      'js-pytorch': runProcess(nodeProcess('js-pytorch', 'js-pytorch.ts'), casePath, resultPath),
      pytorch: python === null ? 'not installed' : runProcess({ label: 'pytorch', command: python, args: [join(BENCH_DIR, 'python', 'bench.py')] }, casePath, resultPath),
    };
    const table = formatTable(buildRows(cases, torchlet, others));
    const pytorch = typeof others.pytorch === 'string' ? [`PyTorch: ${others.pytorch} (no \`python3\` that can \`import torch\`)`] : others.pytorch.details;
    const machine = describeMachine([...pinnedVersions(), ...pytorch]);
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
