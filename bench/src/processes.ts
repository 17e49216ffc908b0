/** Compiling the framework processes' TypeScript, starting each process in turn, and reading back what it wrote. */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import type { ChildResult } from './child.js';

/** bench/, where the frameworks resolve from. */
export const BENCH_DIR = fileURLToPath(new URL('..', import.meta.url));
const ROOT = join(BENCH_DIR, '..');

/**
 * Compiles the TypeScript of the bench and of the workspace packages into `directory`, laid out as
 * in the repository with each folder's package.json (its `source` exports pointing at the compiled
 * files) and node_modules links, so that the framework processes run on plain `node`: a TypeScript
 * loader in a timed process costs it speed, since tsx's `--import tsx/esm` invalidates V8's
 * ArrayBufferDetaching protector (see {@link runProcess}). Each file is compiled on its own, as tsx
 * does, not bundled: esbuild's bundles turn module-level `const`s into `var`s, which V8 does not
 * treat as constants in optimised code, and bundled, the js backend's float32 tanh (whose
 * coefficients are module constants) took twice as long.
 */
export async function compileSources(directory: string): Promise<void> {
  const packages = readdirSync(join(ROOT, 'packages')).filter((name) => existsSync(join(ROOT, 'packages', name, 'src')));
  const folders = ['bench', ...packages.map((name) => join('packages', name))];
  const entryPoints = folders.flatMap((folder) =>
    readdirSync(join(ROOT, folder, 'src'), { recursive: true, encoding: 'utf8' })
      .filter((file) => file.endsWith('.ts') && !file.endsWith('.test.ts') && !file.endsWith('.d.ts'))
      .map((file) => join(ROOT, folder, 'src', file)),
  );
  await build({ entryPoints, outdir: directory, outbase: ROOT, format: 'esm', platform: 'node', logLevel: 'warning' });
  for (const folder of folders) {
    const manifest = readFileSync(join(ROOT, folder, 'package.json'), 'utf8');
    writeFileSync(join(directory, folder, 'package.json'), manifest.replace(/(\.\/src\/[\w./-]+)\.ts"/g, '$1.js"'));
    // The links are relative (pnpm's), so copied as they are they point into `directory`; caches stay behind.
    const modules = join(ROOT, folder, 'node_modules');
    if (existsSync(modules)) cpSync(modules, join(directory, folder, 'node_modules'), { recursive: true, verbatimSymlinks: true, filter: (path) => !basename(path).startsWith('.') });
  }
  symlinkSync(join(ROOT, 'node_modules'), join(directory, 'node_modules'));
}

/** The framework processes' entry points, under bench/src/frameworks/. */
export type FrameworkFile = 'torchlet' | 'tfjs' | 'js-pytorch';

/** One process to run: a compiled framework with Node, or a command. */
export interface FrameworkProcess {
  /** For messages. */
  label: string;
  command: string;
  /** Arguments before the case file and the result file. */
  args: string[];
  /** Arguments after them (a torchlet configuration, a tfjs backend). */
  extra?: string[];
  /**
   * Why the process may invalidate V8's ArrayBufferDetaching protector (TF.js's WASM backend
   * detaches its memory's buffer whenever the memory grows). A Node process without a reason
   * that invalidates it fails.
   */
  detaches?: string;
}

/**
 * A framework's process, compiled into `directory` by {@link compileSources}, run by plain Node
 * with V8's `--trace-protector-invalidation`, whose lines (on stdout) {@link runProcess} checks.
 */
export function nodeProcess(label: string, directory: string, file: FrameworkFile, extra: string[] = [], detaches?: string): FrameworkProcess {
  const entry = join(directory, 'bench', 'src', 'frameworks', `${file}.js`);
  return { label, command: process.execPath, args: ['--conditions=source', '--trace-protector-invalidation', entry], extra, ...(detaches === undefined ? {} : { detaches }) };
}

/** What V8 prints (with `--trace-protector-invalidation`) when typed-array accesses start paying for detach checks. */
const DETACHING_INVALIDATED = 'Invalidating protector cell ArrayBufferDetaching';

/**
 * Why a process's result cannot be trusted, from its stdout, or null: once any ArrayBuffer in a
 * process has been detached, V8 checks for detachment on every typed-array access in optimised
 * code (a JavaScript Adam loop over a million float32 values ran 13% slower).
 */
export function detachingProblem(stdout: string, detaches: string | undefined): string | null {
  if (detaches !== undefined || !stdout.includes(DETACHING_INVALIDATED)) return null;
  return "failed: V8's ArrayBufferDetaching protector was invalidated in this process, which slows every typed-array access";
}

/**
 * Runs one process to its end: its stderr goes to ours as it comes and its stdout after it ends
 * (stdout holds only the table; tfjs prints a banner there). Returns its result, or why there is
 * none.
 */
export function runProcess(spec: FrameworkProcess, casePath: string, resultPath: string): ChildResult | string {
  rmSync(resultPath, { force: true });
  const started = performance.now();
  const child = spawnSync(spec.command, [...spec.args, casePath, resultPath, ...(spec.extra ?? [])], { cwd: BENCH_DIR, stdio: ['ignore', 'pipe', 2], encoding: 'utf8', timeout: 15 * 60_000 });
  process.stderr.write(child.stdout ?? '');
  process.stderr.write(`${spec.label}: ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
  if (child.error !== undefined) return `failed: ${child.error.message}`;
  if (child.status !== 0 || !existsSync(resultPath)) return `failed: the process exited with ${child.signal ?? `code ${child.status}`}`;
  const problem = detachingProblem(child.stdout, spec.detaches);
  if (problem !== null) {
    process.stderr.write(`\n${spec.label}: ${problem}\n\n`);
    return problem;
  }
  return JSON.parse(readFileSync(resultPath, 'utf8')) as ChildResult;
}

/**
 * The first Python that can `import torch`: Debian's /usr/bin/python3 (python3-torch), then the
 * `python3` on PATH, which may be another installation without it. Null when neither can.
 */
export function findPytorch(candidates: readonly string[] = ['/usr/bin/python3', 'python3']): string | null {
  return candidates.find((python) => spawnSync(python, ['-c', 'import torch'], { stdio: 'ignore' }).status === 0) ?? null;
}
