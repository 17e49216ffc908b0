import { describe, expect, it } from 'vitest';
import type { ChainCase, MatmulCase, OptimizerCase } from './cases.js';
import type { ChildResult } from './child.js';
import { MismatchError } from './mismatch-error.js';
import { buildRows, type ProcessResult, type TorchletRun } from './rows.js';

const matmul: MatmulCase = { kind: 'matmul', id: 'matmul-2', name: 'matmul 2', perConfiguration: true, tolerance: 1e-4, n: 2, seeds: [1, 2] };
const optimizer: OptimizerCase = { kind: 'optimizer', id: 'sgd', name: 'SGD', perConfiguration: false, tolerance: 1e-3, optimizer: 'SGD', hyperparameters: { lr: 0.01 }, size: 4, seed: 5 };
const product = [1, 2, 3, 4];

function result(framework: string, outcomes: ChildResult['outcomes']): ChildResult {
  return { framework, details: [], outcomes };
}

const torchlet: TorchletRun[] = [
  { configuration: { name: 'wasm', backend: 'wasm', threads: 1 }, result: result('torchlet wasm', [{ id: 'matmul-2', ms: 1, runs: 25, outputs: { product } }, { id: 'sgd', ms: 0.5, runs: 25, outputs: { step: [0.1, 0.2, 0.3, 0.4] } }]) },
  { configuration: { name: 'js', backend: 'js', threads: 1 }, result: result('torchlet js', [{ id: 'matmul-2', ms: 4, runs: 25, outputs: { product } }]) },
];

const others: Record<'tfjs-cpu' | 'tfjs-wasm' | 'js-pytorch' | 'pytorch', ProcessResult> = {
  'tfjs-cpu': result('tfjs cpu', [{ id: 'matmul-2', ms: 8, runs: 3, outputs: { product } }, { id: 'sgd', missing: 'cannot: no SGD' }]),
  'tfjs-wasm': 'failed: the process exited with code 1',
  'js-pytorch': result('js-pytorch', [{ id: 'matmul-2', ms: 30, runs: 3, outputs: { product: [1, 2, 3, 5] } }]),
  pytorch: 'not installed',
};

describe('buildRows', () => {
  it('makes a row per torchlet configuration for per-configuration cases and one for the others', () => {
    const rows = buildRows([matmul, optimizer], torchlet, others);
    expect(rows.map(({ name, configuration, torchlet }) => [name, configuration, torchlet])).toEqual([
      ['matmul 2', 'wasm', 1],
      ['matmul 2', 'js', 4],
      ['SGD', undefined, 0.5],
    ]);
    expect(rows[0]).toMatchObject({ unit: 'gflops', flops: 16 });
    expect(rows[2]).toMatchObject({ unit: 'ms' });
    expect(rows[2]!.flops).toBeUndefined();
  });

  it("puts each framework's time, its reason, or its process's failure in the cells", () => {
    const [wasmRow, jsRow, sgdRow] = buildRows([matmul, optimizer], torchlet, others);
    expect(wasmRow!.others).toEqual({
      'tfjs-cpu': 8,
      'tfjs-wasm': 'failed: the process exited with code 1',
      'js-pytorch': "wrong result: product differs from torchlet's by 0.25 of its largest value",
      pytorch: 'not installed',
    });
    expect(jsRow!.others).toEqual(wasmRow!.others);
    expect(sgdRow!.others['tfjs-cpu']).toBe('cannot: no SGD');
    expect(sgdRow!.others['js-pytorch']).toBe('not measured');
  });

  it('throws when another torchlet configuration disagrees with the first', () => {
    const wrong: TorchletRun[] = [torchlet[0]!, { configuration: { name: 'js', backend: 'js', threads: 1 }, result: result('torchlet js', [{ id: 'matmul-2', ms: 4, outputs: { product: [1, 2, 3, 6] } }]) }];
    expect(() => buildRows([matmul], wrong, others)).toThrow(MismatchError);
  });

  it('throws when the reference configuration has no time for a case', () => {
    const failed: TorchletRun[] = [{ configuration: { name: 'wasm', backend: 'wasm', threads: 1 }, result: result('torchlet wasm', [{ id: 'matmul-2', missing: 'failed: out of memory' }]) }];
    expect(() => buildRows([matmul], failed, others)).toThrow('torchlet wasm has no result for matmul 2: failed: out of memory');
  });
});

describe('buildRows with a multi-threaded configuration', () => {
  const chain: ChainCase = { kind: 'chain', id: 'chain', name: 'chain', perConfiguration: true, tolerance: 1e-5, size: 4, seed: 1 };
  const values = [0.5, 0.25, 0, -0.25];
  const runs: TorchletRun[] = [
    { configuration: { name: 'wasm, 1 thread', backend: 'wasm', threads: 1 }, result: result('torchlet', [{ id: 'matmul-2', ms: 2, outputs: { product } }, { id: 'chain', ms: 3, outputs: { values } }]) },
    { configuration: { name: 'wasm, 2 threads', backend: 'wasm', threads: 2, kinds: ['matmul'] }, result: result('torchlet', [{ id: 'matmul-2', ms: 1.1, outputs: { product } }]) },
  ];
  const onOneThread = { ...others, pytorch: result('pytorch', [{ id: 'matmul-2', ms: 0.4, outputs: { product } }, { id: 'chain', ms: 0.9, outputs: { values } }]) };
  const onTwoThreads = new Map([[2, { pytorch: result('pytorch', [{ id: 'matmul-2', ms: 0.2, outputs: { product } }]) }]]);

  it('gives the configuration rows of the kinds it runs only', () => {
    const rows = buildRows([matmul, chain], runs, onOneThread, onTwoThreads);
    expect(rows.map(({ name, configuration, torchlet }) => [name, configuration, torchlet])).toEqual([
      ['matmul 2', 'wasm, 1 thread', 2],
      ['matmul 2', 'wasm, 2 threads', 1.1],
      ['chain', 'wasm, 1 thread', 3],
    ]);
  });

  it("shows another framework's results on as many threads where it has some, else its one-thread ones", () => {
    const [oneThread, twoThreads, chainRow] = buildRows([matmul, chain], runs, onOneThread, onTwoThreads);
    expect(oneThread!.others.pytorch).toBe(0.4);
    expect(twoThreads!.others.pytorch).toBe(0.2);
    expect(twoThreads!.others['tfjs-cpu']).toBe(8);
    expect(chainRow!.others.pytorch).toBe(0.9);
  });

  it("checks the results on more threads against torchlet's too", () => {
    const wrong = new Map([[2, { pytorch: result('pytorch', [{ id: 'matmul-2', ms: 0.2, outputs: { product: [1, 2, 3, 8] } }]) }]]);
    const [, twoThreads] = buildRows([matmul], runs, onOneThread, wrong);
    expect(twoThreads!.others.pytorch).toBe("wrong result: product differs from torchlet's by 1.0 of its largest value");
  });
});
