/** Where the progress goes: `write` takes text as is (no newline added). */
export interface Terminal {
  write(text: string): void;
  /** True when the output is a terminal, which can redraw a line with `\r`. */
  isTTY: boolean;
}

/** The running numbers an epoch's bar shows. */
export interface EpochStats {
  done: number;
  total: number;
  loss: number;
  accuracy: number;
  samplesPerSecond: number;
}

const WIDTH = 24;
/** Redraws at most this often, so that drawing never slows training. */
const REDRAW_MS = 100;

/**
 * One epoch's progress bar. On a terminal it redraws one line in place with `\r`
 * (`epoch 2/8 ██████░░░░ 3200/8000  loss 0.1432  acc 95.6%  1120 samples/s`); elsewhere (a pipe, a CI
 * log) it prints nothing until the epoch ends, then one plain line.
 */
export class EpochProgress {
  private lastDraw = -Infinity;
  private lastLine = '';

  constructor(
    private readonly terminal: Terminal,
    private readonly label: string,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** Shows `stats`; on a terminal, redrawn at most every 100 ms and always at the last batch. */
  update(stats: EpochStats): void {
    if (!this.terminal.isTTY) return;
    const time = this.now();
    if (time - this.lastDraw < REDRAW_MS && stats.done < stats.total) return;
    this.lastDraw = time;
    const line = `${this.label} ${bar(stats.done / stats.total)} ${formatStats(stats)}`;
    this.terminal.write(`\r${line}${' '.repeat(Math.max(0, this.lastLine.length - line.length))}`);
    this.lastLine = line;
  }

  /** Ends the epoch's line with `summary` (the held-out accuracy, the time). */
  finish(stats: EpochStats, summary: string): void {
    const line = `${this.label} ${this.terminal.isTTY ? `${bar(1)} ` : ''}${formatStats(stats)}  ${summary}`;
    const clear = this.terminal.isTTY ? `\r${' '.repeat(this.lastLine.length)}\r` : '';
    this.terminal.write(`${clear}${line}\n`);
  }
}

function bar(fraction: number): string {
  const filled = Math.round(Math.min(1, Math.max(0, fraction)) * WIDTH);
  return `${'█'.repeat(filled)}${'░'.repeat(WIDTH - filled)}`;
}

function formatStats({ done, total, loss, accuracy, samplesPerSecond }: EpochStats): string {
  const count = `${String(done).padStart(String(total).length)}/${total}`;
  return `${count}  loss ${loss.toFixed(4)}  acc ${(accuracy * 100).toFixed(1).padStart(5)}%  ${Math.round(samplesPerSecond).toString().padStart(5)} samples/s`;
}
