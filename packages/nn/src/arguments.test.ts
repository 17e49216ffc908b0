import { describe, expect, it } from 'vitest';
import { expandSize, formatFloat, formatValue } from './arguments.js';

describe('formatFloat', () => {
  it('prints floats as Python’s repr does', () => {
    expect(formatFloat(1e-5)).toBe('1e-05');
    expect(formatFloat(1.5e-7)).toBe('1.5e-07');
    expect(formatFloat(0.0001)).toBe('0.0001');
    expect(formatFloat(0.1)).toBe('0.1');
    expect(formatFloat(1)).toBe('1.0');
    expect(formatFloat(-20)).toBe('-20.0');
    expect(formatFloat(1e16)).toBe('1e+16');
    expect(formatFloat(123456789012345.6)).toBe('123456789012345.6');
    expect(formatFloat(0)).toBe('0.0');
    expect(formatFloat(Number.NaN)).toBe('nan');
    expect(formatFloat(-Infinity)).toBe('-inf');
  });
});

describe('formatValue', () => {
  it('prints tuples, booleans, None and strings as Python', () => {
    expect(formatValue([3])).toBe('(3,)');
    expect(formatValue([3, 5])).toBe('(3, 5)');
    expect(formatValue([2, null])).toBe('(2, None)');
    expect(formatValue(true)).toBe('True');
    expect(formatValue(null)).toBe('None');
    expect(formatValue('tanh')).toBe("'tanh'");
    expect(formatValue(-1)).toBe('-1');
  });
});

describe('expandSize', () => {
  it('repeats one number per dim and checks tuples', () => {
    expect(expandSize('Op', 'stride', 2, 3)).toEqual([2, 2, 2]);
    expect(expandSize('Op', 'padding', [0, 1], 2, 0)).toEqual([0, 1]);
    expect(() => expandSize('Op', 'stride', [1], 2)).toThrow('Op: stride must be a positive integer or a tuple of 2, got (1,)');
  });
});
