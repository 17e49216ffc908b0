import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { argmax, classifyDigits, IMAGE_SIZE, makeLeNet, normalise, toMnistImage } from './digits.js';
import { decodeWeights, parameterCount } from './weights.js';

const PIXELS = IMAGE_SIZE * IMAGE_SIZE;

/** A `width × height` drawing with the rectangle [left, right) × [top, bottom) inked. */
function drawing(width: number, height: number, left: number, top: number, right: number, bottom: number): Float32Array {
  return Float32Array.from({ length: width * height }, (_, i) => {
    const x = i % width;
    const y = Math.floor(i / width);
    return x >= left && x < right && y >= top && y < bottom ? 1 : 0;
  });
}

describe('toMnistImage', () => {
  it('returns null for an empty pad', () => {
    expect(toMnistImage(new Float32Array(100 * 100), 100, 100)).toBeNull();
  });

  it('scales the ink to 20 pixels and centres its mass, keeping the aspect ratio', () => {
    // A 40 × 100 bar in the top left of a 280 × 280 pad.
    const image = toMnistImage(drawing(280, 280, 10, 5, 50, 105), 280, 280)!;
    const rows = Array.from({ length: IMAGE_SIZE }, (_, y) => image.subarray(y * IMAGE_SIZE, (y + 1) * IMAGE_SIZE));
    const inkedRows = rows.filter((row) => row.some((p) => p > 0.5)).length;
    const inkedColumns = Array.from({ length: IMAGE_SIZE }, (_, x) => rows.some((row) => row[x]! > 0.5)).filter(Boolean).length;
    expect(inkedRows).toBe(20);
    expect(inkedColumns).toBe(8);
    const mass = image.reduce((sum, p) => sum + p, 0);
    const centreX = image.reduce((sum, p, i) => sum + p * ((i % IMAGE_SIZE) + 0.5), 0) / mass;
    const centreY = image.reduce((sum, p, i) => sum + p * (Math.floor(i / IMAGE_SIZE) + 0.5), 0) / mass;
    expect(Math.abs(centreX - 14)).toBeLessThanOrEqual(0.5);
    expect(Math.abs(centreY - 14)).toBeLessThanOrEqual(0.5);
    expect(Math.max(...image)).toBeLessThanOrEqual(1);
  });

  it('averages the area each output pixel covers', () => {
    // Half of every 2 × 2 block inked: a 40 × 40 checkerboard of columns scales to flat grey.
    const ink = Float32Array.from({ length: 40 * 40 }, (_, i) => (i % 2 === 0 ? 1 : 0));
    ink[39] = 1; // so the bounding box is the full 40 × 40
    const image = toMnistImage(ink, 40, 40)!;
    expect(image[14 * IMAGE_SIZE + 14]).toBeCloseTo(0.5, 5);
  });
});

describe('makeLeNet', () => {
  it("has PyTorch's state-dict keys for the same Sequential and 61,706 parameters", () => {
    const stateDict = makeLeNet().stateDict();
    expect(Object.keys(stateDict)).toEqual(['0.weight', '0.bias', '3.weight', '3.bias', '7.weight', '7.bias', '9.weight', '9.bias', '11.weight', '11.bias']);
    expect(parameterCount(stateDict)).toBe(61_706);
  });
});

describe('the shipped weights', () => {
  it('classify at least 90 of the 100 shipped held-out digits', () => {
    const { stateDict, metadata } = decodeWeights(readFileSync(new URL('../public/lenet.safetensors', import.meta.url)));
    expect(Number(metadata.held_out_accuracy)).toBeGreaterThan(0.95);
    const model = makeLeNet();
    model.loadStateDict(stateDict);
    const samples = readFileSync(new URL('../public/sample-digits.bin', import.meta.url));
    const count = samples.length / (PIXELS + 1);
    expect(count).toBe(100);
    const probabilities = classifyDigits(model, normalise(Array.from(samples.subarray(0, count * PIXELS), (p) => p / 255)), count);
    let correct = 0;
    for (let i = 0; i < count; i++) if (argmax(probabilities, i * 10, 10) === samples[count * PIXELS + i]) correct++;
    expect(correct).toBeGreaterThanOrEqual(90);
  });
});
