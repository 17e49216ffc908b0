import { Conv2d, Flatten, Linear, MaxPool2d, noGrad, ReLU, Sequential, tensor } from '@torchlet/serialize';

/** Side of an MNIST image in pixels. */
export const IMAGE_SIZE = 28;
const PIXELS = IMAGE_SIZE * IMAGE_SIZE;
/** MNIST draws each digit into a 20×20 box, then centres its centre of mass in the 28×28 image. */
const DIGIT_BOX = 20;

/** The mean and standard deviation of MNIST's training pixels (torchvision's usual normalisation). */
export const PIXEL_MEAN = 0.1307;
export const PIXEL_STD = 0.3081;

/**
 * LeNet-5 as PyTorch tutorials write it, for [n, 1, 28, 28] inputs: two 5×5 convolutions with
 * max-pooling, then three linear layers; 61,706 parameters. The state-dict keys are PyTorch's for
 * the same `nn.Sequential` (`0.weight`, `0.bias`, `3.weight`, … `11.bias`).
 */
export function makeLeNet(): Sequential {
  return new Sequential(
    new Conv2d(1, 6, 5, { padding: 2 }), new ReLU(), new MaxPool2d(2),
    new Conv2d(6, 16, 5), new ReLU(), new MaxPool2d(2),
    new Flatten(), new Linear(400, 120), new ReLU(), new Linear(120, 84), new ReLU(), new Linear(84, 10),
  );
}

/** Pixels in [0, 1] (1 = ink), normalised as the network was trained: (p − mean) / std. */
export function normalise(pixels: ArrayLike<number>): Float32Array {
  return Float32Array.from(pixels, (p) => (p - PIXEL_MEAN) / PIXEL_STD);
}

/**
 * The probability of each digit for `count` normalised 28×28 images stored one after another:
 * `count · 10` numbers.
 */
export function classifyDigits(model: Sequential, images: Float32Array, count: number): Float32Array {
  model.eval();
  return noGrad(() => {
    const x = tensor(images).reshape(count, 1, IMAGE_SIZE, IMAGE_SIZE);
    return Float32Array.from(model.call(x).softmax(1).toTypedArray() as Float32Array);
  });
}

/** The index of the largest of `values[from … from + length)`, counted from `from`. */
export function argmax(values: ArrayLike<number>, from = 0, length = values.length - from): number {
  let best = 0;
  for (let i = 1; i < length; i++) if (values[from + i]! > values[from + best]!) best = i;
  return best;
}

/**
 * Turns a drawing into an MNIST-style 28×28 image, as MNIST itself was made: the ink's bounding
 * box is scaled (area-averaged, keeping the aspect ratio) to fit 20×20, then placed so that its
 * centre of mass is at the image's centre. `ink` holds `width · height` values in [0, 1], row by
 * row. Returns the 784 pixels in [0, 1], or null when nothing is drawn.
 */
export function toMnistImage(ink: ArrayLike<number>, width: number, height: number): Float32Array | null {
  let left = width;
  let right = -1;
  let top = height;
  let bottom = -1;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      if (ink[y * width + x]! <= 0.05) continue;
      left = Math.min(left, x);
      right = Math.max(right, x);
      top = Math.min(top, y);
      bottom = Math.max(bottom, y);
    }
  }
  if (right < 0) return null;
  const boxWidth = right - left + 1;
  const boxHeight = bottom - top + 1;
  const scale = DIGIT_BOX / Math.max(boxWidth, boxHeight);
  const scaledWidth = Math.max(1, Math.round(boxWidth * scale));
  const scaledHeight = Math.max(1, Math.round(boxHeight * scale));
  const area = summedArea(ink, width, height);
  const scaled = new Float32Array(scaledWidth * scaledHeight);
  for (let y = 0; y < scaledHeight; y++) {
    for (let x = 0; x < scaledWidth; x++) {
      const x0 = left + (x / scaledWidth) * boxWidth;
      const x1 = left + ((x + 1) / scaledWidth) * boxWidth;
      const y0 = top + (y / scaledHeight) * boxHeight;
      const y1 = top + ((y + 1) / scaledHeight) * boxHeight;
      const sum = area(x1, y1) - area(x0, y1) - area(x1, y0) + area(x0, y0);
      scaled[y * scaledWidth + x] = Math.min(1, sum / ((x1 - x0) * (y1 - y0)));
    }
  }
  let mass = 0;
  let massX = 0;
  let massY = 0;
  scaled.forEach((value, i) => {
    mass += value;
    massX += value * ((i % scaledWidth) + 0.5);
    massY += value * (Math.floor(i / scaledWidth) + 0.5);
  });
  const clamp = (offset: number, size: number) => Math.min(IMAGE_SIZE - size, Math.max(0, offset));
  const offsetX = clamp(Math.round(IMAGE_SIZE / 2 - massX / mass), scaledWidth);
  const offsetY = clamp(Math.round(IMAGE_SIZE / 2 - massY / mass), scaledHeight);
  const image = new Float32Array(PIXELS);
  for (let y = 0; y < scaledHeight; y++) {
    image.set(scaled.subarray(y * scaledWidth, (y + 1) * scaledWidth), (y + offsetY) * IMAGE_SIZE + offsetX);
  }
  return image;
}

/**
 * The integral of a `width × height` image as a function of a point in pixel coordinates: the sum
 * of the image over [0, x) × [0, y), exact at fractional points too (the summed-area table,
 * interpolated bilinearly, which is exact for an image that is constant on each pixel).
 */
function summedArea(image: ArrayLike<number>, width: number, height: number): (x: number, y: number) => number {
  const stride = width + 1;
  const table = new Float64Array(stride * (height + 1));
  for (let y = 1; y <= height; y++) {
    let row = 0;
    for (let x = 1; x <= width; x++) {
      row += image[(y - 1) * width + (x - 1)]!;
      table[y * stride + x] = table[(y - 1) * stride + x]! + row;
    }
  }
  return (x, y) => {
    const x0 = Math.min(width - 1, Math.floor(x));
    const y0 = Math.min(height - 1, Math.floor(y));
    const fx = x - x0;
    const fy = y - y0;
    const at = (column: number, row: number) => table[row * stride + column]!;
    return (
      at(x0, y0) * (1 - fx) * (1 - fy) + at(x0 + 1, y0) * fx * (1 - fy) + at(x0, y0 + 1) * (1 - fx) * fy + at(x0 + 1, y0 + 1) * fx * fy
    );
  };
}
