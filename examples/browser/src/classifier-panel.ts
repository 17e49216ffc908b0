// The classifier panel: the pickers, the training worker, the boundary and loss plots, the weights.
import { DEFAULT_CONFIG, OPTIMIZERS, type OptimizerName, type RunConfig, SCHEDULERS, type SchedulerName } from './classifier.js';
import { DATASETS, type DatasetName } from './datasets.js';
import { byId, percent, wireWeightButtons } from './dom.js';
import { drawBoundary, drawLossPlot } from './plots.js';
import type { Progress, RunData, WorkerReport, WorkerRequest } from './protocol.js';
import type { WeightsFormat } from './weights.js';

/** Starts the classifier panel: its worker and its controls. */
export function startClassifierPanel(): void {
  const worker = new Worker(new URL('./train-worker.ts', import.meta.url), { type: 'module' });
  const send = (request: WorkerRequest, transfer: Transferable[] = []) => worker.postMessage(request, transfer);

  const dataset = byId<HTMLSelectElement>('dataset');
  const optimizer = byId<HTMLSelectElement>('optimizer');
  const scheduler = byId<HTMLSelectElement>('scheduler');
  const lr = byId<HTMLInputElement>('lr');
  const steps = byId<HTMLInputElement>('steps');
  const train = byId<HTMLButtonElement>('train');
  const boundary = byId<HTMLCanvasElement>('boundary');
  const lossPlot = byId<HTMLCanvasElement>('loss-plot');
  const message = byId('classifier-message');

  const fill = (select: HTMLSelectElement, options: Record<string, string>, value: string) => {
    select.replaceChildren(...Object.entries(options).map(([key, label]) => new Option(label, key, false, key === value)));
  };
  fill(dataset, DATASETS, DEFAULT_CONFIG.dataset);
  fill(optimizer, Object.fromEntries(Object.keys(OPTIMIZERS).map((name) => [name, name])), DEFAULT_CONFIG.optimizer);
  fill(scheduler, Object.fromEntries(Object.keys(SCHEDULERS).map((name) => [name, name === 'none' ? 'none (constant)' : name])), DEFAULT_CONFIG.scheduler);
  lr.value = String(DEFAULT_CONFIG.lr);
  steps.value = String(DEFAULT_CONFIG.steps);

  const config = (): RunConfig => ({
    ...DEFAULT_CONFIG,
    dataset: dataset.value as DatasetName,
    optimizer: optimizer.value as OptimizerName,
    scheduler: scheduler.value as SchedulerName,
    lr: Number(lr.value) > 0 ? Number(lr.value) : OPTIMIZERS[optimizer.value as OptimizerName].defaultLr,
    steps: Math.max(10, Math.round(Number(steps.value)) || DEFAULT_CONFIG.steps),
  });
  const configure = () => send({ type: 'configure', config: config() });

  let data: RunData | null = null;
  let latest: Progress | null = null;
  let losses: number[] = [];
  const exports: ((bytes: Uint8Array) => void)[] = [];
  const imports: { resolve: (text: string) => void; reject: (error: Error) => void }[] = [];

  const show = (progress: Progress) => {
    latest = progress;
    if (progress.reset) losses = [];
    losses.push(...progress.newLosses);
    const set = (id: string, text: string, value?: number) => {
      const element = byId(id);
      element.textContent = text;
      if (value !== undefined) element.dataset.value = String(value);
    };
    set('step', `${progress.step} / ${progress.steps}`, progress.step);
    set('loss', progress.loss.toFixed(4), progress.loss);
    set('current-lr', progress.lr === 0 ? '0' : progress.lr.toPrecision(3), progress.lr);
    set('train-accuracy', percent(progress.trainAccuracy), progress.trainAccuracy);
    set('test-accuracy', percent(progress.testAccuracy), progress.testAccuracy);
    if (progress.stepsPerSecond > 0) set('speed', `${Math.round(progress.stepsPerSecond)} steps/s`, progress.stepsPerSecond);
    set('classifier-fingerprint', progress.fingerprint);
    train.textContent = progress.running ? 'Pause' : progress.done ? 'Train again' : progress.step > 0 ? 'Resume' : 'Train';
    train.dataset.state = progress.running ? 'running' : progress.done ? 'done' : 'paused';
    if (data !== null) drawBoundary(boundary, progress.grid, progress.resolution, data.points, data.labels);
    drawLossPlot(lossPlot, losses, progress.steps);
  };

  worker.onmessage = (event: MessageEvent<WorkerReport>) => {
    const report = event.data;
    switch (report.type) {
      case 'data':
        data = report;
        return;
      case 'progress':
        show(report);
        return;
      case 'weights':
        exports.shift()?.(report.bytes);
        return;
      case 'imported':
        imports.shift()?.resolve(`Loaded ${report.name} (${report.format === 'pt' ? '.pt' : '.safetensors'}): weights ${report.fingerprint}`);
        return;
      case 'error':
        // An import is the only request that can fail on the user's input.
        if (imports.length > 0) imports.shift()!.reject(new Error(report.message));
        else message.textContent = report.message;
        return;
    }
  };
  worker.onerror = (event) => {
    message.textContent = `The training worker failed: ${event.message}`;
  };

  train.addEventListener('click', () => {
    if (latest?.running) send({ type: 'pause' });
    else {
      if (latest?.done) configure();
      send({ type: 'start' });
    }
  });
  byId('reset').addEventListener('click', configure);
  optimizer.addEventListener('change', () => {
    lr.value = String(OPTIMIZERS[optimizer.value as OptimizerName].defaultLr);
    configure();
  });
  for (const control of [dataset, scheduler, lr, steps]) control.addEventListener('change', configure);

  wireWeightButtons({
    prefix: 'classifier',
    filename: 'classifier',
    save: (format: WeightsFormat) =>
      new Promise<Uint8Array>((resolve) => {
        exports.push(resolve);
        send({ type: 'export', format });
      }),
    load: (bytes, name) =>
      new Promise<string>((resolve, reject) => {
        imports.push({ resolve, reject });
        send({ type: 'import', bytes, name }, [bytes.buffer]);
      }),
  });

  configure();
}
