// The digit pad: a canvas drawn on with a mouse, a pen or a finger, white ink on black like MNIST.
import { IMAGE_SIZE } from './digits.js';

/** A drawing canvas that calls `onChange` while the user draws (once per frame at most). */
export class DigitPad {
  readonly canvas: HTMLCanvasElement;
  readonly #context: CanvasRenderingContext2D;
  #last: { x: number; y: number } | null = null;
  #frame = 0;

  constructor(canvas: HTMLCanvasElement, onChange: () => void) {
    this.canvas = canvas;
    this.#context = canvas.getContext('2d', { willReadFrequently: true })!;
    this.clear();
    const changed = () => {
      if (this.#frame !== 0) return;
      this.#frame = requestAnimationFrame(() => {
        this.#frame = 0;
        onChange();
      });
    };
    canvas.addEventListener('pointerdown', (event) => {
      canvas.setPointerCapture(event.pointerId);
      this.#last = this.#point(event);
      this.#stroke(this.#last, this.#last);
      changed();
    });
    canvas.addEventListener('pointermove', (event) => {
      if (this.#last === null) return;
      const point = this.#point(event);
      this.#stroke(this.#last, point);
      this.#last = point;
      changed();
    });
    const end = () => {
      this.#last = null;
    };
    canvas.addEventListener('pointerup', end);
    canvas.addEventListener('pointercancel', end);
  }

  clear(): void {
    this.#context.fillStyle = 'black';
    this.#context.fillRect(0, 0, this.canvas.width, this.canvas.height);
  }

  /** Shows a 28×28 image (bytes, 255 = ink) scaled up to fill the pad, as if it had been drawn. */
  showImage(pixels: Uint8Array): void {
    const image = new ImageData(IMAGE_SIZE, IMAGE_SIZE);
    pixels.forEach((value, i) => image.data.set([value, value, value, 255], i * 4));
    const small = new OffscreenCanvas(IMAGE_SIZE, IMAGE_SIZE);
    small.getContext('2d')!.putImageData(image, 0, 0);
    this.clear();
    this.#context.imageSmoothingEnabled = true;
    this.#context.drawImage(small, 0, 0, this.canvas.width, this.canvas.height);
  }

  /** The ink at every pixel, in [0, 1], row by row. */
  ink(): Float32Array {
    const { data } = this.#context.getImageData(0, 0, this.canvas.width, this.canvas.height);
    return Float32Array.from({ length: data.length / 4 }, (_, i) => data[i * 4]! / 255);
  }

  #point(event: PointerEvent): { x: number; y: number } {
    const box = this.canvas.getBoundingClientRect();
    return { x: ((event.clientX - box.left) / box.width) * this.canvas.width, y: ((event.clientY - box.top) / box.height) * this.canvas.height };
  }

  #stroke(from: { x: number; y: number }, to: { x: number; y: number }): void {
    const context = this.#context;
    context.strokeStyle = 'white';
    // MNIST's strokes are about a tenth of the digit's height.
    context.lineWidth = this.canvas.width / 13;
    context.lineCap = 'round';
    context.lineJoin = 'round';
    context.beginPath();
    context.moveTo(from.x, from.y);
    context.lineTo(to.x, to.y);
    context.stroke();
  }
}
