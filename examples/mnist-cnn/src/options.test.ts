import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { main } from './cli.js';
import { DEFAULTS, parseOptions } from './options.js';
import { UsageError } from './usage-error.js';

function usageMessage(argv: string[]): string {
  try {
    parseOptions(argv);
  } catch (error) {
    expect(UsageError.isInstance(error)).toBe(true);
    return (error as Error).message;
  }
  throw new Error(`parseOptions accepted ${argv.join(' ')}`);
}

describe('parseOptions', () => {
  it('gives the default run with no flags', () => {
    const { config, given, resume, out, help } = parseOptions([]);
    expect(config).toEqual({ ...DEFAULTS, lr: 3e-3 });
    expect(given.size).toBe(0);
    expect([resume, out, help]).toEqual([null, null, false]);
  });

  it('reads every flag, in both --flag value and --flag=value forms', () => {
    const { config, given, resume, out } = parseOptions([
      '--epochs=3', '--batch-size', '16', '--optimizer', 'rmsprop', '--lr', '1e-4', '--scheduler', 'COSINE',
      '--seed', '7', '--train-size', '500', '--test-size', '100', '--resume', 'a.pt', '--out', 'dir',
    ]);
    expect(config).toEqual({ epochs: 3, batchSize: 16, optimizer: 'RMSprop', lr: 1e-4, scheduler: 'cosine', seed: 7, trainSize: 500, testSize: 100 });
    expect([...given].sort()).toEqual(['batchSize', 'epochs', 'lr', 'optimizer', 'scheduler', 'seed', 'testSize', 'trainSize']);
    expect([resume, out]).toEqual(['a.pt', 'dir']);
  });

  it("takes each optimizer's own default learning rate", () => {
    expect(parseOptions(['--optimizer', 'Adadelta']).config.lr).toBe(1);
    expect(parseOptions(['--optimizer', 'SGD']).config.lr).toBe(0.05);
  });

  it('names an unknown flag and suggests the nearest', () => {
    expect(usageMessage(['--epoch', '3'])).toBe("unknown flag '--epoch'; did you mean --epochs?");
    expect(usageMessage(['--colour'])).toBe("unknown flag '--colour'");
  });

  it('asks for a missing value', () => {
    expect(usageMessage(['--epochs'])).toBe('--epochs needs a value (--epochs <value> or --epochs=<value>)');
  });

  it('refuses values out of range or of the wrong kind', () => {
    expect(usageMessage(['--epochs', 'three'])).toBe("--epochs takes a whole number from 1 to 10000, got 'three'");
    expect(usageMessage(['--batch-size', '0'])).toBe("--batch-size takes a whole number from 1 to 8000, got '0'");
    expect(usageMessage(['--train-size', '9000'])).toBe("--train-size takes a whole number from 1 to 8000, got '9000'");
    expect(usageMessage(['--lr=-1'])).toBe("--lr takes a positive number such as 0.001 or 1e-3, got '-1'");
    expect(usageMessage(['--lr', '-1'])).toBe("--lr is followed by '-1', which looks like a flag: write --lr=-1 if it is the value");
    expect(usageMessage(['--help=yes'])).toBe('--help takes no value');
    expect(usageMessage(['--scheduler', 'warm'])).toBe("--scheduler must be one of onecycle, cosine, step, none; got 'warm'");
    expect(usageMessage(['--optimizer', 'Lion'])).toMatch(/^--optimizer must be one of SGD, Adagrad, .*, RAdam; got 'Lion'$/);
    expect(usageMessage(['--batch-size', '64', '--train-size', '32'])).toBe('--batch-size 64 is larger than the 32 training digits');
  });

  it('refuses SparseAdam, whose sparse-only updates cannot train a dense model', () => {
    expect(usageMessage(['--optimizer', 'sparseadam'])).toMatch(/^--optimizer SparseAdam: SparseAdam updates parameters from sparse gradients only .* every gradient of this CNN is dense/);
  });

  it('refuses stray arguments', () => {
    expect(usageMessage(['3'])).toBe('unexpected argument 3: every setting is a flag, such as --epochs 3');
  });
});

describe('main', () => {
  const io = () => {
    const out: string[] = [];
    const err: string[] = [];
    return { out, err, io: { stdout: { write: (t: string) => out.push(t), isTTY: false }, stderr: { write: (t: string) => err.push(t) }, cwd: '/' } };
  };

  it('returns 2 and explains a bad flag on stderr', async () => {
    const { out, err, io: streams } = io();
    expect(await main(['--epochs', '0'], streams)).toBe(2);
    expect(out).toEqual([]);
    expect(err.join('')).toBe("mnist-cnn: --epochs takes a whole number from 1 to 10000, got '0'\nRun with --help to see the flags.\n");
  });

  it('prints the flags for --help and returns 0', async () => {
    const { out, io: streams } = io();
    expect(await main(['--help'], streams)).toBe(0);
    for (const flag of ['--epochs', '--batch-size', '--optimizer', '--lr', '--scheduler', '--resume', '--seed', '--out', '--train-size', '--test-size', '--help']) {
      expect(out.join('')).toContain(flag);
    }
  });

  it('exits the process with code 2 on a bad flag', () => {
    const script = fileURLToPath(new URL('./main.ts', import.meta.url));
    const result = spawnSync(process.execPath, ['--conditions=source', '--import', 'tsx', script, '--optimiser', 'Adam'], { encoding: 'utf8' });
    expect(result.status).toBe(2);
    expect(result.stderr).toContain("mnist-cnn: unknown flag '--optimiser'; did you mean --optimizer?");
  });
});
