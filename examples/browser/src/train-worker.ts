// The training worker: runs the 2-D classifier's training loop off the page's main thread, a slice
// of steps at a time, and reports after each slice so the page can redraw while it stays responsive.
import { ClassifierRun } from './classifier.js';
import type { Progress, WorkerReport, WorkerRequest } from './protocol.js';
import { decodeWeights, encodeWeights, fingerprint } from './weights.js';

/** Milliseconds of training between two reports: about 25 redraws a second. */
const SLICE_MS = 40;
/** The decision boundary is drawn from a GRID × GRID evaluation of the model. */
const GRID = 64;

const scope = self as unknown as {
  postMessage(message: WorkerReport, transfer?: Transferable[]): void;
  onmessage: ((event: MessageEvent<WorkerRequest>) => void) | null;
};

let run: ClassifierRun | null = null;
let running = false;
let timer: ReturnType<typeof setTimeout> | undefined;

function report(newLosses: number[], stepsPerSecond: number, options: { loss?: number; reset?: boolean } = {}): void {
  if (run === null) return;
  const grid = run.probabilityGrid(GRID);
  const progress: Progress = {
    type: 'progress',
    step: run.step,
    steps: run.config.steps,
    newLosses,
    loss: options.loss ?? run.losses[run.losses.length - 1] ?? run.loss(),
    lr: run.lr,
    trainAccuracy: run.accuracy('train'),
    testAccuracy: run.accuracy('test'),
    grid,
    resolution: GRID,
    running,
    done: run.done,
    stepsPerSecond,
    fingerprint: fingerprint(run.stateDict()),
    reset: options.reset ?? false,
  };
  scope.postMessage(progress, [grid.buffer]);
}

/** Trains for one slice, reports, and schedules the next slice; the gap lets requests in. */
function trainSlice(): void {
  timer = undefined;
  if (run === null || !running) return;
  const started = performance.now();
  const losses: number[] = [];
  while (!run.done && performance.now() - started < SLICE_MS) losses.push(run.trainStep());
  const elapsed = performance.now() - started;
  if (run.done) running = false;
  report(losses, losses.length === 0 ? 0 : (losses.length * 1000) / elapsed);
  if (running) timer = setTimeout(trainSlice, 0);
}

function handle(request: WorkerRequest): void {
  switch (request.type) {
    case 'configure': {
      running = false;
      run = new ClassifierRun(request.config);
      scope.postMessage({ type: 'data', points: run.train.points, labels: run.train.labels });
      report([], 0, { reset: true });
      return;
    }
    case 'start':
      if (run === null || run.done) return;
      running = true;
      if (timer === undefined) timer = setTimeout(trainSlice, 0);
      return;
    case 'pause':
      running = false;
      report([], 0);
      return;
    case 'export': {
      if (run === null) return;
      const stateDict = run.stateDict();
      const bytes = encodeWeights(stateDict, request.format, { model: `MLP 2-${run.config.hidden}-${run.config.hidden}-2`, dataset: run.config.dataset });
      scope.postMessage({ type: 'weights', format: request.format, bytes, fingerprint: fingerprint(stateDict) }, [bytes.buffer]);
      return;
    }
    case 'import': {
      if (run === null) return;
      const { stateDict, format } = decodeWeights(request.bytes, request.name);
      run.model.loadStateDict(stateDict);
      scope.postMessage({ type: 'imported', name: request.name, format, fingerprint: fingerprint(run.stateDict()) });
      report([], 0, { loss: run.loss() });
      return;
    }
  }
}

scope.onmessage = (event) => {
  try {
    handle(event.data);
  } catch (error) {
    scope.postMessage({ type: 'error', message: error instanceof Error ? error.message : String(error) });
  }
};
