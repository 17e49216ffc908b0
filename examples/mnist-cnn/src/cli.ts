import { isAbsolute, relative, resolve } from 'node:path';
import { HELP, parseOptions } from './options.js';
import type { Terminal } from './progress.js';
import { defaultOutDir, train } from './train.js';
import { UsageError } from './usage-error.js';

/** What the CLI writes to and where it resolves paths from. */
export interface CliIO {
  stdout: Terminal;
  stderr: { write(text: string): void };
  /** Where `runs/` goes and what printed paths are relative to: where the user ran the command. */
  cwd: string;
}

/**
 * The demo's command line: parses `argv`, trains, prints the held-out accuracy and where the files
 * are. Returns the exit code: 0, 2 for a bad command line (with the reason on stderr), 1 for any
 * other failure.
 */
export async function main(argv: readonly string[], io: CliIO): Promise<number> {
  try {
    // `pnpm demo -- --epochs 3` passes the `--` on; it separates nothing here.
    const options = parseOptions(argv[0] === '--' ? argv.slice(1) : argv);
    if (options.help) {
      io.stdout.write(HELP);
      return 0;
    }
    // Paths on the command line are relative to where the user typed it, not to this package.
    const resume = options.resume === null ? null : resolve(io.cwd, options.resume);
    const outDir = options.out === null ? defaultOutDir(io.cwd, resume) : resolve(io.cwd, options.out);
    const result = await train({ config: options.config, given: options.given, resume, outDir, terminal: io.stdout });
    const show = (path: string) => {
      const near = relative(io.cwd, path);
      return near.startsWith('..') || isAbsolute(near) ? path : near;
    };
    const epochs = result.history.length;
    io.stdout.write(
      [
        `held-out test accuracy: ${(result.testAccuracy * 100).toFixed(2)}% (${result.config.testSize} digits never trained on) after ${epochs} epoch${epochs === 1 ? '' : 's'}; ${result.seconds.toFixed(1)} s`,
        `wrote ${show(result.files.directory)}/`,
        `  checkpoint.pt  model, optimizer, scheduler, epoch, RNG state: --resume ${show(result.files.checkpoint)}`,
        `  model.pt       the weights alone, for PyTorch: torch.load('${show(result.files.weights)}', weights_only=True)`,
        '  metrics.json   loss, accuracy, lr and time per epoch',
        '  curves.svg     the loss and accuracy curves',
        '',
      ].join('\n'),
    );
    return 0;
  } catch (error) {
    if (UsageError.isInstance(error)) {
      io.stderr.write(`mnist-cnn: ${error.message}\nRun with --help to see the flags.\n`);
      return 2;
    }
    io.stderr.write(`mnist-cnn: ${(error as Error).stack ?? String(error)}\n`);
    return 1;
  }
}
