/** Starting each framework's process, one after another, and reading back what it wrote. */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ChildResult } from './child.js';

/** bench/, where tsx and the frameworks resolve from. */
export const BENCH_DIR = fileURLToPath(new URL('..', import.meta.url));

/** One process to run: a TypeScript file under src/frameworks/ with Node, or a command. */
export interface FrameworkProcess {
  /** For messages. */
  label: string;
  command: string;
  /** Arguments before the case file and the result file. */
  args: string[];
  /** Arguments after them (a torchlet configuration, a tfjs backend). */
  extra?: string[];
}

/** A framework process run through Node with the same flags as the bench itself. */
export function nodeProcess(label: string, file: string, extra: string[] = []): FrameworkProcess {
  return { label, command: process.execPath, args: ['--conditions=source', '--import', 'tsx/esm', join(BENCH_DIR, 'src', 'frameworks', file)], extra };
}

/**
 * Runs one process to its end: its stdout and stderr go to our stderr (stdout holds only the
 * table; tfjs prints a banner on stdout). Returns its result, or why there is none.
 */
export function runProcess(spec: FrameworkProcess, casePath: string, resultPath: string): ChildResult | string {
  rmSync(resultPath, { force: true });
  const started = performance.now();
  const child = spawnSync(spec.command, [...spec.args, casePath, resultPath, ...(spec.extra ?? [])], { cwd: BENCH_DIR, stdio: ['ignore', 2, 2], timeout: 15 * 60_000 });
  process.stderr.write(`${spec.label}: ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
  if (child.error !== undefined) return `failed: ${child.error.message}`;
  if (child.status !== 0 || !existsSync(resultPath)) return `failed: the process exited with ${child.signal ?? `code ${child.status}`}`;
  return JSON.parse(readFileSync(resultPath, 'utf8')) as ChildResult;
}

/**
 * The first Python that can `import torch`: Debian's /usr/bin/python3 (python3-torch), then the
 * `python3` on PATH, which may be another installation without it. Null when neither can.
 */
export function findPytorch(candidates: readonly string[] = ['/usr/bin/python3', 'python3']): string | null {
  return candidates.find((python) => spawnSync(python, ['-c', 'import torch'], { stdio: 'ignore' }).status === 0) ?? null;
}
