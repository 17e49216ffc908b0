import { describe, expect, it } from 'vitest';
import { chartsSvg, ticks } from './plot.js';

describe('ticks', () => {
  it('picks round steps of 1, 2 or 5 × 10ⁿ', () => {
    expect(ticks(0, 1.6, 5)).toEqual([0, 0.5, 1, 1.5]);
    expect(ticks(40, 100, 5)).toEqual([40, 60, 80, 100]);
    expect(ticks(1, 8, 8)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
  });

  it('gives the one value of an empty range', () => {
    expect(ticks(3, 3, 5)).toEqual([3]);
  });
});

describe('chartsSvg', () => {
  const svg = chartsSvg([
    { title: 'loss', series: [{ name: 'train', color: 'blue', values: [2, 1, 0.5] }], yMin: 0 },
    { title: 'a <b>', series: [{ name: 'test', color: 'red', values: [50, 90, 97] }, { name: 'train', color: 'blue', values: [40, 95, 99] }], yMax: 100 },
  ]);

  it('draws one polyline per series, with a point per epoch', () => {
    const polylines = [...svg.matchAll(/<polyline [^>]*points="([^"]*)"/g)].map((m) => m[1]!.split(' ').length);
    expect(polylines).toEqual([3, 3, 3]);
    expect(svg.match(/<circle /g)).toHaveLength(9);
  });

  it('puts the panels side by side and escapes text', () => {
    expect(svg).toMatch(/^<svg xmlns="http:\/\/www.w3.org\/2000\/svg" width="840" height="300"/);
    expect(svg).toContain('>a &lt;b&gt;</text>');
    expect(svg.trimEnd().endsWith('</svg>')).toBe(true);
  });

  it('draws a single epoch as a point in the middle', () => {
    const one = chartsSvg([{ title: 't', series: [{ name: 's', color: 'red', values: [0.3] }] }]);
    expect(one).toMatch(/<circle cx="230" /);
  });
});
