/**
 * Worker threads for the wasm backend's large matrix products, and the setting that governs them
 * (PyTorch's `torch.set_num_threads` / `torch.get_num_threads`).
 *
 * The threads share one WebAssembly memory (its buffer a SharedArrayBuffer) and each instantiates
 * the same compiled module against it: the shared-memory build of the GEMM, which differs from the
 * single-threaded one only in its memory import. A product stages its operands into that memory
 * once; each thread then computes a band of C with packing buffers of its own, the calling thread
 * one band itself, then takes back any band no worker has started and waits (`Atomics.wait`) for
 * the rest. The memory starts with one 64-byte control block per worker (a cache line each, so no
 * two workers write the same line): its first int is the worker's state, changed with
 * `Atomics.compareExchange` or `Atomics.store` and woken with `Atomics.notify`, both ways; the other
 * fifteen hold the arguments of its `gemm` call.
 *
 * Workers start lazily and asynchronously: the first product that could use them starts them and
 * runs on one thread, and later products use them once every worker has reported ready. Started
 * workers never keep a Node process alive (`unref`), except while {@link threadsReady} is awaited.
 * Wherever something is missing (SharedArrayBuffer, a Worker constructor, permission to block,
 * memory), products silently run on one thread; results are the same either way, bit for bit.
 * @packageDocumentation
 */
import { InvalidArgumentError } from '../errors/index.js';
import { decodeBase64, type GemmKernels, MAX_PAGES, PAGE_BYTES, type WasmMemory, wasmApi } from './wasm-api.js';
import { gemmSharedWasmBase64 } from './wasm/gemm-wasm.js';

/** The arguments of one call of the module's `gemm` (see wasm/gemm.wat). */
export type GemmCall = Parameters<GemmKernels['gemm']>;

/** A pool of workers ready to share products with the calling thread. */
export interface Team {
  /** The threads a product may be split across: the workers and the calling thread. */
  readonly threads: number;
  /** The calling thread's instance of the module, on the shared memory. */
  readonly kernels: GemmKernels;
  /** The first float of the shared memory that products may use (the control blocks come first). */
  readonly base: number;
  /** The shared memory as floats; replaced when {@link reserve} grows it. */
  heap: Float32Array;
}

/**
 * The default thread count wherever threads can run: at most four. Each worker is a V8 isolate
 * (a few MB and tens of milliseconds to start), products in a training step are rarely big enough to
 * split four ways profitably, and an application keeps cores for its own work; call
 * {@link setNumThreads} to use more.
 */
const DEFAULT_MAX_THREADS = 4;

/** Ints in a worker's control block: its state, then the fifteen arguments of `gemm`. */
const CONTROL_INTS = 16;
/**
 * A worker's states. It waits while IDLE; RUN offers it a call, which it takes by swapping RUN for
 * BUSY, and answers IDLE when done (FAILED on a trap). The calling thread, once done with its own
 * band, takes back a call still in RUN (swapping it for IDLE) and computes it itself.
 */
const IDLE = 0;
const RUN = 1;
const BUSY = 2;
const FAILED = 3;
const STOP = 4;
/**
 * Polls of a control block before blocking on it, on both sides: about 45 µs (an `Atomics.load`
 * took 4.5 ns in optimised code on the test machine). A thread polling notices a change within a
 * microsecond, while waking one blocked in `Atomics.wait` took 30–50 µs there; products that come
 * back to back (a layer's GEMMs, a convolution's per-image ones) find their workers still polling.
 */
const SPINS = 10_000;

/**
 * What a worker runs: instantiate the module on the shared memory, report ready, then serve calls
 * from its control block until told to stop. A trap (which would be a bug in the caller's layout)
 * is reported as FAILED, so the caller never waits forever, and ends the worker.
 */
const SERVE = `
function serve({ module, memory, control }, post) {
  const { gemm } = new WebAssembly.Instance(module, { env: { memory } }).exports;
  const ints = new Int32Array(memory.buffer, control, ${CONTROL_INTS});
  const floats = new Float32Array(memory.buffer, control, ${CONTROL_INTS});
  post('ready');
  for (;;) {
    for (let spin = 0; spin < ${SPINS} && Atomics.load(ints, 0) === ${IDLE}; spin++);
    Atomics.wait(ints, 0, ${IDLE});
    const state = Atomics.compareExchange(ints, 0, ${RUN}, ${BUSY});
    if (state === ${IDLE} || state === ${BUSY}) continue;
    if (state !== ${RUN}) return;
    try {
      gemm(ints[1], ints[2], ints[3], floats[4], ints[5], ints[6], ints[7], ints[8], ints[9], ints[10], ints[11], ints[12], ints[13], ints[14], ints[15]);
    } catch {
      Atomics.store(ints, 0, ${FAILED});
      Atomics.notify(ints, 0);
      return;
    }
    Atomics.store(ints, 0, ${IDLE});
    Atomics.notify(ints, 0);
  }
}
`;
/** A Node worker's source, run with `eval: true`. */
const NODE_SOURCE = `${SERVE}
const { parentPort } = process.getBuiltinModule('node:worker_threads');
parentPort.once('message', (init) => serve(init, (message) => parentPort.postMessage(message)));
`;
/** A Web Worker's source, loaded from a Blob URL. */
const WEB_SOURCE = `${SERVE}
self.onmessage = (event) => {
  self.onmessage = null;
  serve(event.data, (message) => self.postMessage(message));
};
`;

/** The parts of Node's `worker_threads` and `os` used here, reached without an import (see {@link node}). */
interface NodeWorker {
  postMessage(message: unknown): void;
  once(event: 'message' | 'error' | 'exit', listener: () => void): void;
  ref(): void;
  unref(): void;
  terminate(): Promise<number>;
}
interface NodeModules {
  'node:worker_threads': { Worker: new (source: string, options: { eval: true; execArgv: string[] }) => NodeWorker };
  'node:os': { availableParallelism(): number };
}

/** The parts of the Web Worker API used here (the package's lib has no DOM types). */
interface WebWorker {
  postMessage(message: unknown): void;
  terminate(): void;
  onmessage: (() => void) | null;
  onerror: (() => void) | null;
}
interface WebGlobals {
  Worker?: new (url: string) => WebWorker;
  Blob?: new (parts: string[], options: { type: string }) => object;
  URL?: { createObjectURL(blob: object): string; revokeObjectURL(url: string): void };
  navigator?: { hardwareConcurrency?: number };
}

/** A started worker, of either kind. */
interface Thread {
  post(message: unknown): void;
  /** Whether the worker keeps a Node process alive (browsers have no such notion). */
  hold(on: boolean): void;
  end(): void;
}
/** Starts a worker that calls `ready` once it serves, or `failure` if it cannot start. */
type Spawn = (ready: () => void, failure: () => void) => Thread;

/** A team in the making or made, with its workers. */
interface Pool extends Team {
  readonly memory: WasmMemory;
  readonly control: Int32Array;
  readonly controlFloats: Float32Array;
  readonly workers: Thread[];
  status: 'starting' | 'ready' | 'failed';
  /** Resolves to the threads products may use: `threads` once all workers are ready, else 1. */
  readonly ready: Promise<number>;
  readonly settle: (threads: number) => void;
}

/** What {@link setNumThreads} set, if it was called. */
let requested: number | undefined;
let fallback: number | undefined;
let pool: Pool | undefined;
/** Set when threads could not start here, so later products do not try again; cleared by {@link setNumThreads}. */
let unavailable = false;
let workerShares = 0;

/**
 * Sets how many threads the wasm backend may split a large float32 matrix product across (the
 * calling thread included), like PyTorch's `torch.set_num_threads`. `1` runs everything on the
 * calling thread. Products below a size threshold always run on one thread, and where threads are
 * unavailable (a browser page's main thread, which may not block; no cross-origin isolation) every
 * product does; results are the same in every case. Changing the count stops the current workers;
 * new ones start with the next large product (or {@link threadsReady}).
 *
 * @example
 * ```ts
 * setNumThreads(2);
 * await threadsReady(); // optional: otherwise the first large product starts the workers
 * matmul(a, b);         // split across two threads when large enough
 * ```
 */
export function setNumThreads(threads: number): void {
  if (!Number.isSafeInteger(threads) || threads < 1) {
    throw new InvalidArgumentError(`setNumThreads: expected a positive integer, got ${String(threads)}`);
  }
  requested = threads;
  unavailable = false;
  if (pool && (pool.threads !== threads || pool.status === 'failed')) {
    stop(pool);
    pool = undefined;
  }
}

/**
 * How many threads the wasm backend may use for a large product: what {@link setNumThreads} set,
 * else the default: in Node, the available cores up to four; in a browser, the same
 * (`navigator.hardwareConcurrency`) inside a cross-origin-isolated Worker, and 1 elsewhere (a page's
 * main thread may not block in `Atomics.wait`, which the calling thread does while workers finish).
 */
export function getNumThreads(): number {
  return requested ?? (fallback ??= defaultThreads());
}

/**
 * Starts the worker threads for the current {@link getNumThreads} if they are not running, and
 * resolves once they are ready, to the number of threads a large product will use: that count, or
 * 1 where threads are unavailable. Awaiting it is never required (the first large product starts
 * the workers and runs on one thread meanwhile), but makes the next products use them for sure.
 */
export function threadsReady(): Promise<number> {
  const current = team(getNumThreads());
  if (!current) return Promise.resolve(1);
  if (current.status === 'starting') {
    for (const worker of current.workers) worker.hold(true);
  }
  return current.ready;
}

/**
 * The team a product above the threshold may use now, or undefined when it must run on one thread:
 * threads are off, unavailable, or still starting (this call starts them the first time).
 */
export function readyTeam(): Team | undefined {
  const threads = getNumThreads();
  if (threads === 1) return undefined;
  const current = team(threads);
  return current?.status === 'ready' ? current : undefined;
}

/** Grows the team's memory to hold `floats` floats; false when it cannot (over 4 GiB, out of memory). */
export function reserve(current: Team, floats: number): boolean {
  if (current.heap.length >= floats) return true;
  const { memory } = current as Pool;
  const pages = Math.ceil((4 * floats) / PAGE_BYTES);
  if (pages > MAX_PAGES) return false;
  try {
    // A shared memory grows in place without detaching anything (a SharedArrayBuffer cannot be
    // detached), so the slowdown that makes the single-threaded path replace its memory instead
    // does not arise; the memory keeps its largest size.
    memory.grow(pages - memory.buffer.byteLength / PAGE_BYTES);
  } catch {
    return false;
  }
  current.heap = new Float32Array(memory.buffer);
  return true;
}

/**
 * Runs `calls[0]` on the calling thread and offers each other call to a worker, and returns once
 * all are done: true, or false if a worker failed, in which case threads are off until the next
 * {@link setNumThreads} and the caller computes the product again on one thread.
 *
 * A call no worker has taken by the time the calling thread is done with its own is taken back and
 * computed here: a worker asleep takes 30–50 µs to wake, and one that another process keeps off its
 * core may take milliseconds, so waiting for it could cost more than the call itself. On a
 * machine whose cores are busy the product then costs about what it does on one thread, rather than
 * many times that.
 */
export function runShares(current: Team, calls: readonly GemmCall[]): boolean {
  const { control, controlFloats, kernels } = current as Pool;
  for (let w = 1; w < calls.length; w++) {
    const at = (w - 1) * CONTROL_INTS;
    const call = calls[w]!;
    for (let i = 0; i < call.length; i++) control[at + 1 + i] = call[i]!;
    controlFloats[at + 4] = call[3];
    Atomics.store(control, at, RUN);
    Atomics.notify(control, at);
  }
  kernels.gemm(...calls[0]!);
  let failed = false;
  for (let w = 1; w < calls.length; w++) {
    const at = (w - 1) * CONTROL_INTS;
    if (Atomics.compareExchange(control, at, RUN, IDLE) === RUN) {
      kernels.gemm(...calls[w]!);
      continue;
    }
    for (let spin = 0; spin < SPINS && Atomics.load(control, at) === BUSY; spin++);
    while (Atomics.load(control, at) === BUSY) Atomics.wait(control, at, BUSY);
    if (Atomics.load(control, at) === FAILED) failed = true;
    else workerShares++;
  }
  if (failed) stop(current as Pool);
  return !failed;
}

/**
 * How many calls workers have computed in this process (not counting those the calling thread
 * took back): a diagnostic, for tests.
 */
export function workerShareCount(): number {
  return workerShares;
}

/**
 * The pool for `threads`, started if there is none; a failed one, or the failure to start one,
 * stays until {@link setNumThreads} is called again.
 */
function team(threads: number): Pool | undefined {
  if (threads === 1 || unavailable) return undefined;
  if (!pool || pool.threads !== threads) {
    if (pool) stop(pool);
    pool = start(threads);
    unavailable = !pool;
  }
  return pool;
}

/** Starts `threads − 1` workers on a new shared memory; undefined where threads cannot run. */
function start(threads: number): Pool | undefined {
  const api = wasmApi();
  const spawn = spawner();
  if (!api || !spawn || !canBlock()) return undefined;
  const workers = threads - 1;
  let memory: WasmMemory;
  let kernels: GemmKernels;
  let module: object;
  try {
    module = new api.Module(decodeBase64(gemmSharedWasmBase64));
    memory = new api.Memory({ initial: Math.ceil((workers * CONTROL_INTS * 4) / PAGE_BYTES), maximum: MAX_PAGES, shared: true });
    kernels = new api.Instance(module, { env: { memory } }).exports;
  } catch {
    return undefined;
  }
  let settle!: (threads: number) => void;
  const ready = new Promise<number>((resolve) => (settle = resolve));
  const created: Pool = {
    threads, kernels, memory, status: 'starting', ready, workers: [],
    base: workers * CONTROL_INTS,
    heap: new Float32Array(memory.buffer),
    control: new Int32Array(memory.buffer, 0, workers * CONTROL_INTS),
    controlFloats: new Float32Array(memory.buffer, 0, workers * CONTROL_INTS),
    settle: (usable) => {
      for (const worker of created.workers) worker.hold(false);
      settle(usable);
    },
  };
  let waiting = workers;
  const onReady = (): void => {
    if (--waiting === 0 && created.status === 'starting') {
      created.status = 'ready';
      created.settle(threads);
    }
  };
  const onFailure = (): void => {
    if (created.status !== 'failed') stop(created);
  };
  try {
    for (let w = 0; w < workers; w++) {
      const worker = spawn(onReady, onFailure);
      created.workers.push(worker);
      worker.post({ module, memory, control: 4 * w * CONTROL_INTS });
    }
  } catch {
    stop(created);
  }
  return created;
}

/** Tells a pool's workers to stop, ends them, and marks it failed so nothing uses it again. */
function stop(stopped: Pool): void {
  stopped.status = 'failed';
  for (let w = 0; w < stopped.workers.length; w++) {
    Atomics.store(stopped.control, w * CONTROL_INTS, STOP);
    Atomics.notify(stopped.control, w * CONTROL_INTS);
    stopped.workers[w]!.end();
  }
  stopped.settle(1);
}

/**
 * Node's built-in modules through `process.getBuiltinModule` (Node ≥ 20.16) rather than an
 * import, so bundling the package for a browser pulls in no Node module.
 */
function node<Name extends keyof NodeModules>(name: Name): NodeModules[Name] | undefined {
  const process = (globalThis as { process?: { getBuiltinModule?(id: string): unknown } }).process;
  return process?.getBuiltinModule?.(name) as NodeModules[Name] | undefined;
}

/** How to start a worker here: Node's worker_threads, else Web Workers from a Blob URL, else none. */
function spawner(): Spawn | undefined {
  if (typeof SharedArrayBuffer !== 'function' || typeof Atomics !== 'object') return undefined;
  const threadsModule = node('node:worker_threads');
  if (threadsModule) {
    return (ready, failure) => {
      // No execArgv: the worker needs none of the parent's flags or loaders (tsx, say), only time to start.
      const worker = new threadsModule.Worker(NODE_SOURCE, { eval: true, execArgv: [] });
      worker.unref();
      worker.once('message', ready);
      worker.once('error', failure);
      worker.once('exit', failure);
      return {
        post: (message) => worker.postMessage(message),
        hold: (on) => (on ? worker.ref() : worker.unref()),
        end: () => void worker.terminate(),
      };
    };
  }
  const { Worker, Blob, URL } = globalThis as WebGlobals;
  if (!Worker || !Blob || !URL) return undefined;
  return (ready, failure) => {
    const url = URL.createObjectURL(new Blob([WEB_SOURCE], { type: 'text/javascript' }));
    const worker = new Worker(url);
    worker.onmessage = () => {
      URL.revokeObjectURL(url);
      ready();
    };
    worker.onerror = () => {
      URL.revokeObjectURL(url);
      failure();
    };
    return { post: (message) => worker.postMessage(message), hold: () => undefined, end: () => worker.terminate() };
  };
}

/**
 * Whether this thread may block in `Atomics.wait`, as the calling thread does while workers finish:
 * Node's threads and browsers' Workers may, a page's main thread may not. The probe cannot block:
 * it waits for a value the cell does not hold, and throws first where blocking is not allowed.
 */
function canBlock(): boolean {
  try {
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 1, 0);
    return true;
  } catch {
    return false;
  }
}

function defaultThreads(): number {
  if (!spawner() || !canBlock()) return 1;
  const cores = node('node:os')?.availableParallelism() ?? (globalThis as WebGlobals).navigator?.hardwareConcurrency ?? 1;
  return Math.max(1, Math.min(cores, DEFAULT_MAX_THREADS));
}
