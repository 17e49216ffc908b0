import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CaseFile, inputData, type MatmulCase, sampleOf } from './cases.js';
import type { ChildResult } from './child.js';
import { compileSources, detachingProblem, type FrameworkProcess, nodeProcess, runProcess } from './processes.js';
import { relativeDifference } from './verify.js';

const INVALIDATED = 'Invalidating protector cell ArrayBufferDetaching\n';

describe('detachingProblem', () => {
  it("is null when V8 reported no invalidation of the protector, or when the process says why it may", () => {
    expect(detachingProblem('Invalidating protector cell ArrayConstructor\n', undefined)).toBeNull();
    expect(detachingProblem(INVALIDATED, 'its memory grows')).toBeNull();
  });

  it('is a failure when the protector was invalidated', () => {
    expect(detachingProblem(`banner\n${INVALIDATED}`, undefined)).toMatch(/^failed: V8's ArrayBufferDetaching protector was invalidated/);
  });
});

describe('runProcess', () => {
  let directory: string;
  beforeAll(() => {
    directory = mkdtempSync(join(tmpdir(), 'torchlet-bench-test-'));
  });
  afterAll(() => rmSync(directory, { recursive: true, force: true }));

  /** A Node process that writes an empty result, after detaching a buffer when `detach` is true. */
  function writer(detach: boolean, detaches?: string): FrameworkProcess {
    const script = `${detach ? 'const b = new ArrayBuffer(8); structuredClone(b, { transfer: [b] });' : ''}
      require('node:fs').writeFileSync(process.argv[2], JSON.stringify({ framework: 'test', details: [], outcomes: [] }));`;
    return { label: 'test', command: process.execPath, args: ['--trace-protector-invalidation', '-e', script], ...(detaches === undefined ? {} : { detaches }) };
  }

  it('returns what the process wrote', () => {
    expect(runProcess(writer(false), join(directory, 'cases.json'), join(directory, 'result.json'))).toEqual({ framework: 'test', details: [], outcomes: [] });
  });

  it('fails a process that detaches a buffer, unless it says why it may', () => {
    expect(runProcess(writer(true), join(directory, 'cases.json'), join(directory, 'result.json'))).toMatch(/^failed: V8's ArrayBufferDetaching protector/);
    expect(runProcess(writer(true, 'it has to'), join(directory, 'cases.json'), join(directory, 'result.json'))).toEqual({ framework: 'test', details: [], outcomes: [] });
  });
});

describe('compileSources', () => {
  const n = 8;
  const spec: MatmulCase = { kind: 'matmul', id: 'matmul-8', name: 'matmul 8', perConfiguration: true, tolerance: 1e-4, n, seeds: [3, 4] };
  const caseFile: CaseFile = { cases: [spec], timing: { warmup: 0, warmupMs: 0, minRuns: 1, maxRuns: 1, budgetMs: 0 }, optimizerWarmup: 0 };
  let directory: string;
  beforeAll(async () => {
    directory = mkdtempSync(join(tmpdir(), 'torchlet-bench-test-'));
    writeFileSync(join(directory, 'cases.json'), JSON.stringify(caseFile));
    await compileSources(join(directory, 'compiled'));
  });
  afterAll(() => rmSync(directory, { recursive: true, force: true }));

  /** A·B in float64, sampled as the processes sample it. */
  function expectedProduct(): number[] {
    const [a, b] = [inputData([n, n], spec.seeds[0]), inputData([n, n], spec.seeds[1])];
    const c = Array.from({ length: n * n }, (_, index) => {
      const [i, j] = [Math.floor(index / n), index % n];
      return Array.from({ length: n }, (_, k) => a[i * n + k]! * b[k * n + j]!).reduce((x, y) => x + y, 0);
    });
    return sampleOf(c);
  }

  function run(process: FrameworkProcess): ChildResult {
    const result = runProcess(process, join(directory, 'cases.json'), join(directory, 'result.json'));
    if (typeof result === 'string') throw new TypeError(result);
    return result;
  }

  it('lets torchlet run on plain Node, on two threads, without invalidating the protector', () => {
    const [outcome] = run(nodeProcess('torchlet', join(directory, 'compiled'), 'torchlet', ['wasm, 2 threads'])).outcomes;
    expect(outcome!.id).toBe('matmul-8');
    expect(relativeDifference(expectedProduct(), outcome!.outputs!.product!)).toBeLessThan(1e-6);
  });

  it("lets TF.js's WASM backend find its .wasm files from the compiled folder", () => {
    const [outcome] = run(nodeProcess('tfjs wasm', join(directory, 'compiled'), 'tfjs', ['wasm'], 'its memory may grow')).outcomes;
    expect(relativeDifference(expectedProduct(), outcome!.outputs!.product!)).toBeLessThan(1e-6);
  });
});
