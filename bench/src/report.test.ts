import { describe, expect, it } from 'vitest';
import { describeMachine, formatTable, performanceDoc, type Row, speedRatio } from './report.js';

const matmulRow: Row = { name: 'matmul 512', backend: 'wasm', unit: 'gflops', flops: 2 * 512 ** 3, torchlet: 50, tfjs: 200 };

describe('speedRatio', () => {
  it('is tfjs time over torchlet time', () => {
    expect(speedRatio(matmulRow)).toBe('4.00×');
  });

  it('is a dash when one side was not measured', () => {
    expect(speedRatio({ ...matmulRow, torchlet: 'not measured' })).toBe('—');
  });

  it('compares with another time when given one, and is a dash for a missing one', () => {
    expect(speedRatio(matmulRow, 25)).toBe('0.50×');
    expect(speedRatio(matmulRow, undefined)).toBe('4.00×');
    expect(speedRatio(matmulRow, 'cannot')).toBe('—');
  });
});

describe('formatTable', () => {
  it('shows the backend, GFLOP/s with the time for matmul rows and the time for ms rows', () => {
    const table = formatTable([
      { ...matmulRow, tfjsWasm: 10 },
      { name: 'conv2d', unit: 'ms', torchlet: 7.5, tfjs: 'not measured: missing' },
      { name: 'cnn', unit: 'ms', torchlet: 5, tfjs: 50, tfjsWasm: 'cannot' },
    ]);
    expect(table.split('\n')).toEqual([
      '| benchmark | torchlet backend | torchlet | tfjs (cpu backend) | tfjs (wasm backend) | torchlet speed ÷ tfjs cpu speed | torchlet speed ÷ tfjs wasm speed |',
      '| --- | --- | --- | --- | --- | --- | --- |',
      '| matmul 512 | wasm | 5.37 GFLOP/s (50.0 ms) | 1.34 GFLOP/s (200 ms) | 26.84 GFLOP/s (10.0 ms) | 4.00× | 0.20× |',
      '| conv2d | — | 7.50 ms | not measured: missing | — | — | — |',
      '| cnn | — | 5.00 ms | 50.0 ms | cannot | 10.00× | — |',
    ]);
  });
});

describe('describeMachine', () => {
  it('names the CPU, cores, Node version and date', () => {
    const text = describeMachine(new Date('2026-01-02T03:04:05Z'));
    expect(text).toMatch(/^- CPU: .+, \d+ logical cores/);
    expect(text).toContain(`- Node ${process.version}`);
    expect(text).toContain('- Date: 2026-01-02');
  });
});

describe('performanceDoc', () => {
  it('puts the table and the machine under their headings', () => {
    const doc = performanceDoc('TABLE', 'MACHINE');
    expect(doc.startsWith('# Performance\n')).toBe(true);
    expect(doc).toMatch(/## Results\n\nTABLE\n\nMeasured on:\n\nMACHINE\n/);
  });
});
