/**
 * Draws every LR scheduler's learning rate over 100 steps as a small SVG (one polyline, no
 * dependencies) into docs/schedulers/<Scheduler>.svg, for docs/optim.md.
 *
 * Run from packages/optim: node --conditions=source --import tsx scripts/scheduler-gallery.ts
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import {
  ChainedScheduler,
  ConstantLR,
  CosineAnnealingLR,
  CosineAnnealingWarmRestarts,
  CyclicLR,
  ExponentialLR,
  LambdaLR,
  LinearLR,
  type LRScheduler,
  MultiplicativeLR,
  MultiStepLR,
  OneCycleLR,
  Parameter,
  PolynomialLR,
  ReduceLROnPlateau,
  SequentialLR,
  SGD,
  StepLR,
  zeros,
} from '../src/index.js';

const STEPS = 100;
const BASE_LR = 0.1;

/** A validation loss that improves in bursts and stalls in between, for ReduceLROnPlateau. */
const plateauLoss = (step: number) => 1 / (1 + Math.floor(step / 25)) + 0.01 * Math.sin(step);

/** Each picture: its title (the options shown) and how to build the scheduler. */
const gallery: { name: string; caption: string; make: (optimizer: SGD) => LRScheduler }[] = [
  { name: 'LambdaLR', caption: 'lrLambda: e => 0.97 ** e', make: (o) => new LambdaLR(o, { lrLambda: (e) => 0.97 ** e }) },
  { name: 'MultiplicativeLR', caption: 'lrLambda: () => 0.95', make: (o) => new MultiplicativeLR(o, { lrLambda: () => 0.95 }) },
  { name: 'StepLR', caption: 'stepSize: 30, gamma: 0.1', make: (o) => new StepLR(o, { stepSize: 30, gamma: 0.1 }) },
  { name: 'MultiStepLR', caption: 'milestones: [30, 80], gamma: 0.1', make: (o) => new MultiStepLR(o, { milestones: [30, 80], gamma: 0.1 }) },
  { name: 'ConstantLR', caption: 'factor: 0.5, totalIters: 40', make: (o) => new ConstantLR(o, { factor: 0.5, totalIters: 40 }) },
  { name: 'LinearLR', caption: 'startFactor: 0.05, totalIters: 40', make: (o) => new LinearLR(o, { startFactor: 0.05, totalIters: 40 }) },
  { name: 'ExponentialLR', caption: 'gamma: 0.95', make: (o) => new ExponentialLR(o, { gamma: 0.95 }) },
  { name: 'PolynomialLR', caption: 'totalIters: 80, power: 2', make: (o) => new PolynomialLR(o, { totalIters: 80, power: 2 }) },
  { name: 'CosineAnnealingLR', caption: 'tMax: 50, etaMin: 0.005', make: (o) => new CosineAnnealingLR(o, { tMax: 50, etaMin: 0.005 }) },
  { name: 'CosineAnnealingWarmRestarts', caption: 't0: 10, tMult: 2', make: (o) => new CosineAnnealingWarmRestarts(o, { t0: 10, tMult: 2 }) },
  {
    name: 'SequentialLR',
    caption: 'LinearLR(0.1, 10) then CosineAnnealingLR(90)',
    make: (o) => new SequentialLR(o, { schedulers: [new LinearLR(o, { startFactor: 0.1, totalIters: 10 }), new CosineAnnealingLR(o, { tMax: 90 })], milestones: [10] }),
  },
  {
    name: 'ChainedScheduler',
    caption: 'ConstantLR(0.1, 20) × ExponentialLR(0.97)',
    make: (o) => new ChainedScheduler([new ConstantLR(o, { factor: 0.1, totalIters: 20 }), new ExponentialLR(o, { gamma: 0.97 })]),
  },
  { name: 'ReduceLROnPlateau', caption: 'factor: 0.5, patience: 5 (stalling loss)', make: (o) => new ReduceLROnPlateau(o, { factor: 0.5, patience: 5 }) },
  { name: 'CyclicLR', caption: "baseLr: 0.01, maxLr: 0.1, stepSizeUp: 10, 'triangular2'", make: (o) => new CyclicLR(o, { baseLr: 0.01, maxLr: 0.1, stepSizeUp: 10, mode: 'triangular2' }) },
  { name: 'OneCycleLR', caption: 'maxLr: 0.1, totalSteps: 100', make: (o) => new OneCycleLR(o, { maxLr: 0.1, totalSteps: STEPS }) },
];

/** The learning rate after construction and after each of `STEPS` optimizer + scheduler steps. */
function curve(make: (optimizer: SGD) => LRScheduler): number[] {
  const p = new Parameter(zeros([1]));
  const optimizer = new SGD([p], { lr: BASE_LR, momentum: 0.9 });
  const scheduler = make(optimizer);
  const lrs = [optimizer.paramGroups[0]!.lr];
  for (let step = 0; step < STEPS; step++) {
    p.grad = zeros([1]);
    optimizer.step();
    if (scheduler instanceof ReduceLROnPlateau) scheduler.step(plateauLoss(step));
    else scheduler.step();
    lrs.push(optimizer.paramGroups[0]!.lr);
  }
  return lrs;
}

function label(value: number): string {
  return value === 0 ? '0' : value < 1e-3 ? value.toExponential(1) : String(Number(value.toPrecision(3)));
}

function escape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** A 360×200 plot: the curve as one polyline over a faint grid, y from 0 to the curve's maximum. */
function svg(name: string, caption: string, lrs: number[]): string {
  const [width, height] = [360, 200];
  const [left, right, top, bottom] = [48, 12, 34, 26];
  const [plotWidth, plotHeight] = [width - left - right, height - top - bottom];
  const max = Math.max(...lrs) * 1.05;
  const x = (i: number) => left + (i / (lrs.length - 1)) * plotWidth;
  const y = (lr: number) => top + plotHeight - (lr / max) * plotHeight;
  const points = lrs.map((lr, i) => `${x(i).toFixed(1)},${y(lr).toFixed(1)}`).join(' ');
  const grid = [0.25, 0.5, 0.75].map((f) => `<line x1="${left}" x2="${left + plotWidth}" y1="${(top + plotHeight * f).toFixed(1)}" y2="${(top + plotHeight * f).toFixed(1)}"/>`).join('');
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="system-ui, sans-serif" font-size="10">
<title>${escape(`${name}: learning rate over ${STEPS} steps (${caption})`)}</title>
<rect width="${width}" height="${height}" fill="#fff"/>
<text x="${left}" y="14" font-size="12" font-weight="600" fill="#222">${escape(name)}</text>
<text x="${left}" y="27" fill="#666">${escape(caption)}</text>
<g stroke="#eee">${grid}</g>
<g stroke="#999" fill="none"><polyline points="${left},${top} ${left},${top + plotHeight} ${left + plotWidth},${top + plotHeight}"/></g>
<g fill="#666" text-anchor="end"><text x="${left - 4}" y="${y(max / 1.05) + 3}">${label(max / 1.05)}</text><text x="${left - 4}" y="${top + plotHeight + 3}">0</text></g>
<g fill="#666" text-anchor="middle"><text x="${left}" y="${height - 10}">0</text><text x="${left + plotWidth}" y="${height - 10}">${STEPS}</text><text x="${left + plotWidth / 2}" y="${height - 10}">step</text></g>
<polyline points="${points}" fill="none" stroke="#d62728" stroke-width="1.6" stroke-linejoin="round"/>
</svg>
`;
}

const outDir = fileURLToPath(new URL('../../../docs/schedulers/', import.meta.url));
mkdirSync(outDir, { recursive: true });
for (const { name, caption, make } of gallery) {
  writeFileSync(`${outDir}${name}.svg`, svg(name, caption, curve(make)));
  console.log(`wrote docs/schedulers/${name}.svg`);
}
