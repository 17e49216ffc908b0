// The messages between the page and its training worker (src/train-worker.ts).
import type { RunConfig } from './classifier.js';
import type { WeightsFormat } from './weights.js';

/** What the page asks of the worker. */
export type WorkerRequest =
  /** Start a new run with fresh weights (and stop the current one). */
  | { type: 'configure'; config: RunConfig }
  | { type: 'start' }
  | { type: 'pause' }
  /** Send back the current weights as a file's bytes. */
  | { type: 'export'; format: WeightsFormat }
  /** Load a `.pt` or `.safetensors` file's weights into the current model. */
  | { type: 'import'; bytes: Uint8Array; name: string };

/** Where the run is, sent after each slice of training steps and after every request. */
export interface Progress {
  type: 'progress';
  step: number;
  steps: number;
  /** The losses of the steps taken since the last report (all of them after `configure`). */
  newLosses: number[];
  /** The loss of the current weights: the last step's, or, after an import, the loaded weights'. */
  loss: number;
  lr: number;
  trainAccuracy: number;
  testAccuracy: number;
  /** P(class 1) on a `resolution`² grid: see `ClassifierRun.probabilityGrid`. */
  grid: Float32Array;
  resolution: number;
  running: boolean;
  done: boolean;
  /** Training steps per second over the last slice (0 when none was taken). */
  stepsPerSecond: number;
  fingerprint: string;
  /** Set on the first report of a run: true when the steps so far were just reset. */
  reset: boolean;
}

/** The points of a new run, sent once after `configure`. */
export interface RunData {
  type: 'data';
  points: Float32Array;
  labels: Int32Array;
}

/** What the worker reports. */
export type WorkerReport =
  | Progress
  | RunData
  | { type: 'weights'; format: WeightsFormat; bytes: Uint8Array; fingerprint: string }
  | { type: 'imported'; name: string; format: WeightsFormat; fingerprint: string }
  | { type: 'error'; message: string };
