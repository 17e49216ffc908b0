import { describe, expect, it } from 'vitest';
import { describeMachine, fastestJs, fastestJsRatio, formatCell, formatRatio, formatTable, performanceDoc, type Row } from './report.js';

const matmulRow: Row = {
  name: 'matmul 512',
  configuration: 'wasm',
  unit: 'gflops',
  flops: 2 * 512 ** 3,
  torchlet: 50,
  others: { 'tfjs-cpu': 200, 'tfjs-wasm': 25, 'js-pytorch': 'cannot: no convolution', pytorch: 10 },
};

const optimizerRow: Row = {
  name: 'Adam step',
  unit: 'ms',
  torchlet: 1.5,
  others: { 'tfjs-cpu': 'cannot: no Adam', 'tfjs-wasm': 'failed: boom', 'js-pytorch': 1200, pytorch: 'not installed' },
};

describe('formatCell', () => {
  it('shows GFLOP/s and the time for gflops rows', () => {
    expect(formatCell(matmulRow, 50)).toBe('5.37 GFLOP/s (50.0 ms)');
  });

  it('shows the time with three significant digits, or whole ms from 100', () => {
    expect(formatCell(optimizerRow, 1.5)).toBe('1.50 ms');
    expect(formatCell(optimizerRow, 12.345)).toBe('12.3 ms');
    expect(formatCell(optimizerRow, 2093.15)).toBe('2093 ms');
  });

  it('moves to fewer decimals where rounding reaches the next power of ten', () => {
    expect(formatCell(optimizerRow, 9.9999)).toBe('10.0 ms');
    expect(formatCell(optimizerRow, 9.994)).toBe('9.99 ms');
    expect(formatCell(optimizerRow, 99.97)).toBe('100 ms');
  });

  it('passes a reason through', () => {
    expect(formatCell(matmulRow, 'cannot: no Conv2DBackpropFilter kernel')).toBe('cannot: no Conv2DBackpropFilter kernel');
  });
});

describe('fastestJs', () => {
  it('is the smallest time among TF.js CPU, TF.js WASM and js-pytorch, never PyTorch', () => {
    expect(fastestJs(matmulRow)).toEqual({ framework: 'tfjs-wasm', ms: 25 });
    expect(fastestJs({ ...matmulRow, others: { ...matmulRow.others, 'js-pytorch': 5 } })).toEqual({ framework: 'js-pytorch', ms: 5 });
  });

  it('skips cells without a time, and is null when none has one', () => {
    expect(fastestJs(optimizerRow)).toEqual({ framework: 'js-pytorch', ms: 1200 });
    expect(fastestJs({ ...optimizerRow, others: { ...optimizerRow.others, 'js-pytorch': 'cannot: no SGD' } })).toBeNull();
  });
});

describe('formatRatio', () => {
  it("is torchlet's time over the other's: below 1 when torchlet is faster", () => {
    expect(formatRatio(50, 200)).toBe('0.25×');
    expect(formatRatio(50, 25)).toBe('2.00×');
  });

  it('keeps two significant digits for small ratios and drops decimals for large ones', () => {
    expect(formatRatio(3.48, 1109.55)).toBe('0.0031×');
    expect(formatRatio(15.6, 1.2)).toBe('13.0×');
    expect(formatRatio(1200, 1.5)).toBe('800×');
  });

  it('is a dash when either side has no time', () => {
    expect(formatRatio('failed: boom', 10)).toBe('—');
    expect(formatRatio(10, 'not installed')).toBe('—');
    expect(formatRatio(10, undefined)).toBe('—');
  });
});

describe('fastestJsRatio', () => {
  it('names the fastest JavaScript alternative', () => {
    expect(fastestJsRatio(matmulRow)).toBe('2.00× (TF.js WASM)');
    expect(fastestJsRatio(optimizerRow)).toBe('0.0013× (js-pytorch)');
  });

  it('is a dash without a torchlet time or any JavaScript time', () => {
    expect(fastestJsRatio({ ...matmulRow, torchlet: 'failed: boom' })).toBe('—');
    expect(fastestJsRatio({ ...optimizerRow, others: { ...optimizerRow.others, 'js-pytorch': 'cannot: no SGD' } })).toBe('—');
  });
});

describe('formatTable', () => {
  it('has a column per framework, the ratio to the fastest JS time and, when PyTorch ran, the ratio to it', () => {
    expect(formatTable([matmulRow, optimizerRow]).split('\n')).toEqual([
      '| benchmark | torchlet backend | torchlet | TF.js CPU | TF.js WASM | js-pytorch | PyTorch | torchlet ÷ fastest JS (time; < 1: torchlet faster) | torchlet ÷ PyTorch (time) |',
      '| --- | --- | --- | --- | --- | --- | --- | --- | --- |',
      '| matmul 512 | wasm | 5.37 GFLOP/s (50.0 ms) | 1.34 GFLOP/s (200 ms) | 10.74 GFLOP/s (25.0 ms) | cannot: no convolution | 26.84 GFLOP/s (10.0 ms) | 2.00× (TF.js WASM) | 5.00× |',
      '| Adam step | — | 1.50 ms | cannot: no Adam | failed: boom | 1200 ms | not installed | 0.0013× (js-pytorch) | — |',
    ]);
  });

  it('leaves out the PyTorch ratio column when PyTorch measured nothing', () => {
    const [header, rule, row] = formatTable([optimizerRow]).split('\n');
    expect(header).toBe('| benchmark | torchlet backend | torchlet | TF.js CPU | TF.js WASM | js-pytorch | PyTorch | torchlet ÷ fastest JS (time; < 1: torchlet faster) |');
    expect(rule).toBe('| --- | --- | --- | --- | --- | --- | --- | --- |');
    expect(row).toBe('| Adam step | — | 1.50 ms | cannot: no Adam | failed: boom | 1200 ms | not installed | 0.0013× (js-pytorch) |');
  });
});

describe('describeMachine', () => {
  it('names the CPU, cores, Node version, the given details and the date', () => {
    const text = describeMachine(['js-pytorch 0.7.2'], new Date('2026-01-02T03:04:05Z'));
    expect(text).toMatch(/^- CPU: .+, \d+ logical cores/);
    expect(text).toContain(`- Node ${process.version}`);
    expect(text).toMatch(/\n- js-pytorch 0\.7\.2\n- Date: 2026-01-02$/);
  });
});

describe('performanceDoc', () => {
  it('puts the table and the machine under their headings', () => {
    const doc = performanceDoc('TABLE', 'MACHINE');
    expect(doc.startsWith('# Performance\n')).toBe(true);
    expect(doc).toMatch(/## Results\n\nTABLE\n\nMeasured on:\n\nMACHINE\n/);
  });
});
