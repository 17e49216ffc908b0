// Canvas drawing: the decision boundary with the points, and the loss curve.
import { EXTENT } from './datasets.js';

/** The two classes' colours, as RGB. */
const CLASS_COLOURS: readonly [number, number, number][] = [
  [234, 138, 30],
  [37, 99, 235],
];

/**
 * Draws P(class 1) over the plane (the grid the worker computed, smoothed up to the canvas) with
 * the decision boundary, where it is 0.5, as a line; then the training points on top.
 */
export function drawBoundary(canvas: HTMLCanvasElement, grid: Float32Array, resolution: number, points: Float32Array, labels: Int32Array): void {
  const context = canvas.getContext('2d')!;
  const image = new ImageData(resolution, resolution);
  for (let i = 0; i < resolution * resolution; i++) {
    const p = grid[i]!;
    // Near 0.5 the colour fades to white.
    const [r, g, b] = CLASS_COLOURS[p > 0.5 ? 1 : 0]!;
    const strength = Math.min(1, Math.abs(p - 0.5) * 2) * 0.45;
    image.data.set([255 + (r - 255) * strength, 255 + (g - 255) * strength, 255 + (b - 255) * strength, 255], i * 4);
  }
  const small = new OffscreenCanvas(resolution, resolution);
  small.getContext('2d')!.putImageData(image, 0, 0);
  context.imageSmoothingEnabled = true;
  context.imageSmoothingQuality = 'high';
  context.drawImage(small, 0, 0, canvas.width, canvas.height);
  context.beginPath();
  for (const [x0, y0, x1, y1] of contour(grid, resolution, 0.5)) {
    context.moveTo((x0 / resolution) * canvas.width, (y0 / resolution) * canvas.height);
    context.lineTo((x1 / resolution) * canvas.width, (y1 / resolution) * canvas.height);
  }
  context.strokeStyle = 'rgb(40 40 40 / 0.7)';
  context.lineWidth = 1.5;
  context.stroke();
  const toPixel = (value: number, size: number) => ((value + EXTENT) / (2 * EXTENT)) * size;
  for (let i = 0; i < labels.length; i++) {
    const [r, g, b] = CLASS_COLOURS[labels[i]!]!;
    context.beginPath();
    context.arc(toPixel(points[2 * i]!, canvas.width), canvas.height - toPixel(points[2 * i + 1]!, canvas.height), 3.2, 0, 2 * Math.PI);
    context.fillStyle = `rgb(${r} ${g} ${b})`;
    context.fill();
    context.lineWidth = 1;
    context.strokeStyle = 'white';
    context.stroke();
  }
}

/** Draws the loss of every step so far on a log scale, with the x axis spanning the whole run. */
export function drawLossPlot(canvas: HTMLCanvasElement, losses: readonly number[], steps: number): void {
  const context = canvas.getContext('2d')!;
  const { width, height } = canvas;
  const margin = { left: 44, right: 10, top: 10, bottom: 22 };
  const plotWidth = width - margin.left - margin.right;
  const plotHeight = height - margin.top - margin.bottom;
  context.clearRect(0, 0, width, height);
  context.font = '11px system-ui, sans-serif';
  context.fillStyle = '#555';
  context.strokeStyle = '#ddd';
  context.lineWidth = 1;
  const low = -3; // 10^-3
  const high = 1; // 10^1
  const y = (loss: number) => margin.top + ((high - Math.log10(Math.max(loss, 10 ** low))) / (high - low)) * plotHeight;
  const x = (step: number) => margin.left + (step / Math.max(1, steps)) * plotWidth;
  context.textAlign = 'right';
  context.textBaseline = 'middle';
  for (let power = low; power <= high; power++) {
    context.beginPath();
    context.moveTo(margin.left, y(10 ** power));
    context.lineTo(width - margin.right, y(10 ** power));
    context.stroke();
    context.fillText(power === 0 ? '1' : `1e${power}`, margin.left - 6, y(10 ** power));
  }
  context.textAlign = 'center';
  context.textBaseline = 'top';
  context.fillText('0', x(0), height - margin.bottom + 6);
  context.fillText(`${steps} steps`, x(steps) - 24, height - margin.bottom + 6);
  if (losses.length === 0) return;
  context.beginPath();
  // At most one vertex per pixel column: the plot stays cheap however long the run.
  const stride = Math.max(1, Math.floor(losses.length / plotWidth));
  for (let i = 0; i < losses.length; i += stride) {
    if (i === 0) context.moveTo(x(i), y(losses[i]!));
    else context.lineTo(x(i), y(losses[i]!));
  }
  context.lineTo(x(losses.length - 1), y(losses[losses.length - 1]!));
  context.strokeStyle = '#c2410c';
  context.lineWidth = 1.6;
  context.stroke();
}

/**
 * The line where a `resolution`² grid of values (sampled at cell centres, row by row) crosses
 * `level`, as segments [x0, y0, x1, y1] in grid units: marching squares, with each crossing placed
 * by linear interpolation along the cell edge.
 */
export function contour(grid: Float32Array, resolution: number, level: number): [number, number, number, number][] {
  const segments: [number, number, number, number][] = [];
  const crossing = (xa: number, ya: number, a: number, xb: number, yb: number, b: number): [number, number] => {
    const t = (level - a) / (b - a);
    return [xa + t * (xb - xa) + 0.5, ya + t * (yb - ya) + 0.5];
  };
  for (let row = 0; row + 1 < resolution; row++) {
    for (let column = 0; column + 1 < resolution; column++) {
      const topLeft = grid[row * resolution + column]!;
      const topRight = grid[row * resolution + column + 1]!;
      const bottomRight = grid[(row + 1) * resolution + column + 1]!;
      const bottomLeft = grid[(row + 1) * resolution + column]!;
      const above = (value: number) => value > level;
      // The crossings on the top, right, bottom and left edges, in that order.
      const points: [number, number][] = [];
      if (above(topLeft) !== above(topRight)) points.push(crossing(column, row, topLeft, column + 1, row, topRight));
      if (above(topRight) !== above(bottomRight)) points.push(crossing(column + 1, row, topRight, column + 1, row + 1, bottomRight));
      if (above(bottomRight) !== above(bottomLeft)) points.push(crossing(column + 1, row + 1, bottomRight, column, row + 1, bottomLeft));
      if (above(bottomLeft) !== above(topLeft)) points.push(crossing(column, row + 1, bottomLeft, column, row, topLeft));
      if (points.length === 2) segments.push([...points[0]!, ...points[1]!]);
      else if (points.length === 4) {
        // A saddle: the centre decides which two opposite corners the line cuts off.
        const centreWithTopLeft = above((topLeft + topRight + bottomRight + bottomLeft) / 4) === above(topLeft);
        const [top, right, bottom, left] = points as [[number, number], [number, number], [number, number], [number, number]];
        if (centreWithTopLeft) segments.push([...top, ...right], [...bottom, ...left]);
        else segments.push([...left, ...top], [...right, ...bottom]);
      }
    }
  }
  return segments;
}
