/** One line of a chart: its name, colour and one y value per epoch (epochs 1, 2, …). */
export interface Series {
  name: string;
  color: string;
  values: readonly number[];
}

/** One chart: a title, its lines and the y range (computed from the values when not given). */
export interface Chart {
  title: string;
  series: readonly Series[];
  yMin?: number;
  yMax?: number;
  /** Formats a y tick: `(v) => v.toFixed(2)`. */
  format?: (value: number) => string;
}

const PANEL_WIDTH = 420;
const PANEL_HEIGHT = 300;
const MARGIN = { left: 56, right: 16, top: 36, bottom: 64 };

/**
 * Draws charts side by side as an SVG document, by hand: axes, ticks and one polyline (with dots)
 * per series against the epoch. No dependencies, and it opens in any browser.
 */
export function chartsSvg(charts: readonly Chart[]): string {
  const width = PANEL_WIDTH * charts.length;
  const panels = charts.map((chart, i) => panel(chart, i * PANEL_WIDTH)).join('\n');
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${PANEL_HEIGHT}" viewBox="0 0 ${width} ${PANEL_HEIGHT}" font-family="sans-serif" font-size="12">`,
    `<rect width="${width}" height="${PANEL_HEIGHT}" fill="white"/>`,
    panels,
    '</svg>',
    '',
  ].join('\n');
}

function panel(chart: Chart, left: number): string {
  const epochs = Math.max(1, ...chart.series.map((s) => s.values.length));
  const all = chart.series.flatMap((s) => s.values).filter(Number.isFinite);
  let yMin = chart.yMin ?? Math.min(...all);
  let yMax = chart.yMax ?? Math.max(...all);
  if (!Number.isFinite(yMin) || !Number.isFinite(yMax)) [yMin, yMax] = [0, 1];
  if (yMax - yMin < 1e-9) [yMin, yMax] = [yMin - 0.5, yMax + 0.5];
  // Bounds not given are widened to the next round tick, so that the axis starts and ends on a label.
  const step = tickStep(yMin, yMax, 5);
  if (chart.yMin === undefined) yMin = Math.floor(yMin / step + 1e-9) * step;
  if (chart.yMax === undefined) yMax = Math.ceil(yMax / step - 1e-9) * step;
  const x0 = left + MARGIN.left;
  const x1 = left + PANEL_WIDTH - MARGIN.right;
  const y0 = PANEL_HEIGHT - MARGIN.bottom;
  const y1 = MARGIN.top;
  // One epoch alone sits in the middle; otherwise epoch 1 is at the left edge and the last at the right.
  const x = (epoch: number) => (epochs === 1 ? (x0 + x1) / 2 : x0 + ((epoch - 1) / (epochs - 1)) * (x1 - x0));
  const y = (value: number) => y0 - ((value - yMin) / (yMax - yMin)) * (y0 - y1);
  const format = chart.format ?? ((v: number) => String(Number(v.toPrecision(3))));
  const parts: string[] = [
    `<text x="${left + PANEL_WIDTH / 2}" y="20" text-anchor="middle" font-weight="bold">${escape(chart.title)}</text>`,
    `<line x1="${x0}" y1="${y0}" x2="${x1}" y2="${y0}" stroke="black"/>`,
    `<line x1="${x0}" y1="${y0}" x2="${x0}" y2="${y1}" stroke="black"/>`,
  ];
  for (const value of ticks(yMin, yMax, 5)) {
    parts.push(`<line x1="${x0 - 4}" y1="${round(y(value))}" x2="${x1}" y2="${round(y(value))}" stroke="#ddd"/>`);
    parts.push(`<text x="${x0 - 6}" y="${round(y(value)) + 4}" text-anchor="end">${escape(format(value))}</text>`);
  }
  for (const epoch of ticks(1, epochs, 8).filter(Number.isInteger)) {
    parts.push(`<line x1="${round(x(epoch))}" y1="${y0}" x2="${round(x(epoch))}" y2="${y0 + 4}" stroke="black"/>`);
    parts.push(`<text x="${round(x(epoch))}" y="${y0 + 17}" text-anchor="middle">${epoch}</text>`);
  }
  parts.push(`<text x="${(x0 + x1) / 2}" y="${y0 + 33}" text-anchor="middle">epoch</text>`);
  chart.series.forEach((series, i) => {
    const points = series.values.map((v, e) => (Number.isFinite(v) ? `${round(x(e + 1))},${round(y(v))}` : null)).filter((p) => p !== null);
    parts.push(`<polyline fill="none" stroke="${series.color}" stroke-width="2" points="${points.join(' ')}"/>`);
    for (const point of points) {
      const [cx, cy] = point.split(',');
      parts.push(`<circle cx="${cx}" cy="${cy}" r="2.5" fill="${series.color}"/>`);
    }
    const legendX = x0 + i * 130;
    parts.push(`<line x1="${legendX}" y1="${PANEL_HEIGHT - 12}" x2="${legendX + 20}" y2="${PANEL_HEIGHT - 12}" stroke="${series.color}" stroke-width="2"/>`);
    parts.push(`<text x="${legendX + 25}" y="${PANEL_HEIGHT - 8}">${escape(series.name)}</text>`);
  });
  return `<g>\n${parts.join('\n')}\n</g>`;
}

/** About `count` round tick values (1, 2 or 5 × 10ⁿ apart) between `min` and `max`. */
export function ticks(min: number, max: number, count: number): number[] {
  if (!(max > min)) return [min];
  const step = tickStep(min, max, count);
  const out: number[] = [];
  for (let v = Math.ceil(min / step - 1e-9) * step; v <= max + step * 1e-9; v += step) out.push(Number(v.toPrecision(12)));
  return out;
}

/** The smallest of 1, 2 or 5 × 10ⁿ that splits `min … max` into at most `count` parts. */
function tickStep(min: number, max: number, count: number): number {
  const raw = (max - min) / count;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  return [1, 2, 5, 10].map((m) => m * magnitude).find((s) => s >= raw * (1 - 1e-9))!;
}

function round(value: number): number {
  return Math.round(value * 10) / 10;
}

function escape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
