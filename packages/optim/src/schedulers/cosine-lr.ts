import { OptimError } from '../optim-error.js';
import type { Optimizer } from '../optimizer.js';
import { floorMod, LRScheduler, type LRSchedulerOptions, pythonTypeName, requireOption } from './lr-scheduler.js';

/** Options of {@link CosineAnnealingLR}. */
export interface CosineAnnealingLROptions extends LRSchedulerOptions {
  /** Half-period of the cosine, in epochs (PyTorch's `T_max`). */
  tMax: number;
  /** The minimum learning rate (default 0). */
  etaMin?: number;
}

/**
 * Cosine annealing without restarts (Loshchilov & Hutter, 2017, "SGDR: Stochastic Gradient
 * Descent with Warm Restarts"): η_e = η_min + (η_0 − η_min)(1 + cos(πe/T_max))/2, computed
 * recursively as PyTorch does, η_e = η_min + (η_{e−1} − η_min)(1 + cos(πe/T))/(1 + cos(π(e−1)/T)),
 * so that it chains with other schedulers. PyTorch's `CosineAnnealingLR`.
 *
 * @example
 * ```ts
 * const scheduler = new CosineAnnealingLR(optimizer, { tMax: 100, etaMin: 1e-5 });
 * ```
 */
export class CosineAnnealingLR extends LRScheduler {
  /** Half-period of the cosine, in epochs (PyTorch's `T_max`). */
  declare tMax: number;
  /** The minimum learning rate. */
  declare etaMin: number;

  constructor(optimizer: Optimizer, options: CosineAnnealingLROptions) {
    const tMax = requireOption<number>('CosineAnnealingLR', options, 'tMax');
    super(optimizer, options, { tMax, etaMin: options.etaMin ?? 0 });
  }

  override getLr(): number[] {
    this.warnIfOutsideStep();
    const groups = this.groups();
    const { lastEpoch: e, tMax, etaMin } = this;
    if (this.isInitial) return groups.map((group) => group['lr'] as number);
    if (this.stepCount === 1 && e > 0) {
      return this.baseLrs.map((baseLr) => etaMin + ((baseLr - etaMin) * (1 + Math.cos((e * Math.PI) / tMax))) / 2);
    }
    if (floorMod(e - 1 - tMax, 2 * tMax) === 0) {
      // At the trough the recursive ratio is 0/0; PyTorch steps back up by the closed-form increment.
      return groups.map((group, i) => (group['lr'] as number) + ((this.baseLrs[i]! - etaMin) * (1 - Math.cos(Math.PI / tMax))) / 2);
    }
    const ratio = (1 + Math.cos((Math.PI * e) / tMax)) / (1 + Math.cos((Math.PI * (e - 1)) / tMax));
    return groups.map((group) => ratio * ((group['lr'] as number) - etaMin) + etaMin);
  }

  protected override getClosedFormLr(): number[] {
    const { lastEpoch: e, tMax, etaMin } = this;
    return this.baseLrs.map((baseLr) => etaMin + ((baseLr - etaMin) * (1 + Math.cos((Math.PI * e) / tMax))) / 2);
  }
}

/** Options of {@link CosineAnnealingWarmRestarts}. */
export interface CosineAnnealingWarmRestartsOptions extends LRSchedulerOptions {
  /** Epochs until the first restart, a positive integer (PyTorch's `T_0`). */
  t0: number;
  /** Factor by which the period grows after each restart, an integer ≥ 1 (default 1). */
  tMult?: number;
  /** The minimum learning rate (default 0). */
  etaMin?: number;
}

/**
 * Cosine annealing with warm restarts (Loshchilov & Hutter, 2017, "SGDR"):
 * η = η_min + (η_0 − η_min)(1 + cos(π T_cur/T_i))/2, where T_cur counts epochs since the last
 * restart and the period T_i starts at T_0 and is multiplied by T_mult at each restart.
 * `step(epoch)` accepts fractional epochs (e.g. `epoch + batch / batches`). PyTorch's
 * `CosineAnnealingWarmRestarts`; like PyTorch's, its `step()` does not count steps, so it never
 * emits the order warning.
 */
export class CosineAnnealingWarmRestarts extends LRScheduler {
  /** Epochs until the first restart (PyTorch's `T_0`). */
  declare t0: number;
  /** The current period (PyTorch's `T_i`). */
  declare tI: number;
  /** Period growth factor (PyTorch's `T_mult`). */
  declare tMult: number;
  /** The minimum learning rate. */
  declare etaMin: number;
  /** Epochs since the last restart, possibly fractional (PyTorch's `T_cur`). */
  declare tCur: number;

  constructor(optimizer: Optimizer, options: CosineAnnealingWarmRestartsOptions) {
    const t0 = requireOption<number>('CosineAnnealingWarmRestarts', options, 't0');
    const tMult = options.tMult ?? 1;
    const etaMin = options.etaMin ?? 0;
    if (!Number.isInteger(t0) || t0 <= 0) throw new OptimError(`Expected positive integer T_0, but got ${String(t0)}`);
    if (!Number.isInteger(tMult) || tMult < 1) throw new OptimError(`Expected integer T_mult >= 1, but got ${String(tMult)}`);
    if (typeof etaMin !== 'number') throw new OptimError(`Expected float or int eta_min, but got ${String(etaMin)} of type <class '${pythonTypeName(etaMin)}'>`);
    super(optimizer, options, { t0, tI: t0, tMult, etaMin, tCur: options.lastEpoch ?? -1 });
  }

  override getLr(): number[] {
    this.warnIfOutsideStep();
    return this.baseLrs.map((baseLr) => this.etaMin + ((baseLr - this.etaMin) * (1 + Math.cos((Math.PI * this.tCur) / this.tI))) / 2);
  }

  /** Advances one epoch, or jumps to `epoch` (fractional allowed, ≥ 0). */
  override step(epoch?: number): void {
    if (epoch === undefined && this.lastEpoch < 0) epoch = 0;
    if (epoch === undefined) {
      epoch = this.lastEpoch + 1;
      this.tCur = this.tCur + 1;
      if (this.tCur >= this.tI) {
        this.tCur = floorMod(this.tCur, this.tI);
        this.tI = this.tI * this.tMult;
      }
    } else {
      if (epoch < 0) throw new OptimError(`Expected non-negative epoch, but got ${epoch}`);
      if (epoch >= this.t0) {
        if (this.tMult === 1) {
          this.tCur = floorMod(epoch, this.t0);
        } else {
          const n = Math.trunc(Math.log((epoch / this.t0) * (this.tMult - 1) + 1) / Math.log(this.tMult));
          this.tCur = epoch - (this.t0 * (this.tMult ** n - 1)) / (this.tMult - 1);
          this.tI = this.t0 * this.tMult ** n;
        }
      } else {
        this.tI = this.t0;
        this.tCur = epoch;
      }
    }
    this.lastEpoch = Math.floor(epoch);
    let values: number[];
    this.getLrCalledWithinStep = true;
    try {
      values = this.getLr();
    } finally {
      this.getLrCalledWithinStep = false;
    }
    this.writeLrs(values);
  }
}
