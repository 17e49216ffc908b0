import { describe, expect, it } from 'vitest';
import { CASES, initialParameters, runsCase, sampleIndices, sampleOf, TORCHLET_CONFIGURATIONS, type TorchletConfiguration, type TrainingCase, trainingLabels } from './cases.js';
import { randomData } from './data.js';

describe('sampleIndices', () => {
  it('spreads count indices evenly, first and last included', () => {
    expect(sampleIndices(10, 4)).toEqual([0, 3, 6, 9]);
    const indices = sampleIndices(1_000_000);
    expect(indices).toHaveLength(1024);
    expect(indices[0]).toBe(0);
    expect(indices.at(-1)).toBe(999_999);
    expect(indices.every((index, i) => i === 0 || index > indices[i - 1]!)).toBe(true);
  });

  it('takes every index when there are no more than count', () => {
    expect(sampleIndices(3, 4)).toEqual([0, 1, 2]);
  });
});

describe('sampleOf', () => {
  it('reads the values at the sample indices as plain numbers', () => {
    expect(sampleOf(Float32Array.from([5, 6, 7, 8, 9, 10, 11, 12, 13, 14]), 4)).toEqual([5, 8, 11, 14]);
  });
});

describe('trainingLabels', () => {
  it('cycles through the ten classes in steps of 7 from 3', () => {
    expect([...trainingLabels(5)]).toEqual([3, 0, 7, 4, 1]);
  });
});

describe('initialParameters', () => {
  const mlp = CASES.find((spec): spec is TrainingCase => spec.id === 'training-mlp')!;

  it('gives each parameter its shape, within ±1/√fanIn', () => {
    const parameters = initialParameters(mlp);
    expect(parameters.map((values) => values.length)).toEqual([784 * 256, 256, 256 * 128, 128, 128 * 10, 10]);
    parameters.forEach((values, i) => {
      const bound = 1 / Math.sqrt(mlp.parameters[i]!.fanIn);
      expect(values.reduce((largest, value) => Math.max(largest, Math.abs(value)), 0)).toBeLessThanOrEqual(bound);
    });
  });

  it('scales the seeded values of seed·100 + i and rounds them to float32, as the Python side does', () => {
    const [, bias] = initialParameters(mlp);
    const raw = randomData(256, mlp.seed * 100 + 1);
    expect(bias![7]).toBe(Math.fround(raw[7]! / Math.sqrt(784)));
  });
});

describe('CASES', () => {
  it('has unique ids and the sizes the issue asks for', () => {
    const ids = CASES.map(({ id }) => id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.filter((id) => id.startsWith('matmul'))).toEqual(['matmul-256', 'matmul-512', 'matmul-1024']);
    expect(CASES.filter(({ kind }) => kind === 'optimizer')).toHaveLength(12);
  });

  it('leaves only the optimizer steps out of the per-configuration cases', () => {
    expect(CASES.filter(({ perConfiguration }) => !perConfiguration).every(({ kind }) => kind === 'optimizer')).toBe(true);
  });
});

describe('TORCHLET_CONFIGURATIONS', () => {
  it('names each by its backend and thread count, the one-thread wasm backend first', () => {
    expect(TORCHLET_CONFIGURATIONS.map(({ name, backend, threads }) => [name, backend, threads])).toEqual([
      ['wasm, 1 thread', 'wasm', 1],
      ['wasm, 2 threads', 'wasm', 2],
      ['js, 1 thread', 'js', 1],
    ]);
  });
});

describe('runsCase', () => {
  const [wasm, wasmThreads, js] = TORCHLET_CONFIGURATIONS as [TorchletConfiguration, TorchletConfiguration, TorchletConfiguration];
  const idsRunBy = (configuration: TorchletConfiguration, isReference: boolean): string[] => CASES.filter((spec) => runsCase(configuration, spec, isReference)).map(({ id }) => id);

  it('runs every case on the reference configuration', () => {
    expect(idsRunBy(wasm, true)).toEqual(CASES.map(({ id }) => id));
  });

  it('runs every per-configuration case on a configuration without a list of kinds', () => {
    expect(idsRunBy(js, false)).toEqual(CASES.filter(({ kind }) => kind !== 'optimizer').map(({ id }) => id));
  });

  it('runs two threads on the cases with matrix products only: not the elementwise chain, not the optimizer steps', () => {
    expect(idsRunBy(wasmThreads, false)).toEqual([
      'matmul-256',
      'matmul-512',
      'matmul-1024',
      'conv2d-conv1-forward',
      'conv2d-conv1-backward',
      'conv2d-conv2-forward',
      'conv2d-conv2-backward',
      'training-mlp',
      'training-lenet',
    ]);
  });

  it('runs a case its kinds leave out when the configuration is the reference', () => {
    const chain = CASES.find(({ kind }) => kind === 'chain')!;
    expect(runsCase(wasmThreads, chain, false)).toBe(false);
    expect(runsCase(wasmThreads, chain, true)).toBe(true);
  });
});
