/**
 * The side of a framework's own process: read the cases the parent wrote, measure each, and write
 * back the times and output samples as JSON. Each framework runs alone in its process, on plain
 * Node (see processes.ts), so nothing one of them does (tfjs's WASM backend detaching
 * ArrayBuffers, which makes V8 guard every typed-array access in the process) slows another.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import type { BenchCase, CaseFile } from './cases.js';
import type { Timing } from './measure.js';

/** What a framework's process reports for one case. */
export interface CaseOutcome {
  id: string;
  /** Median ms of one run, when measured. */
  ms?: number;
  /** How many timed runs the median is of. */
  runs?: number;
  /** Why there is no time: `cannot: …` (the framework lacks what the case needs) or `failed: …`. */
  missing?: string;
  /** Samples of the outputs (see `sampleOf`), by name, for the parent to compare with torchlet's. */
  outputs?: Record<string, number[]>;
  /**
   * Why this framework computes something else than PyTorch's rule for part of the case (say, an
   * Adam without bias correction): then the outputs it leaves out are not compared.
   */
  differs?: string;
}

/** The JSON a framework's process writes. */
export interface ChildResult {
  framework: string;
  /** Lines for the machine description (a version, a BLAS library), if the framework has any. */
  details: string[];
  outcomes: CaseOutcome[];
}

/** What a framework's measuring function returns for a case it ran. */
export interface Measured {
  timing: Timing;
  outputs: Record<string, number[]>;
  differs?: string;
}

/** A framework's measuring function for each kind of case. */
export type Measurers = { [Kind in BenchCase['kind']]: (spec: Extract<BenchCase, { kind: Kind }>, file: CaseFile) => Measured };

/** One function that measures any case with its kind's measurer. */
export function byKind(measurers: Measurers): (spec: BenchCase, file: CaseFile) => Measured {
  // TypeScript cannot tie `measurers[spec.kind]` to `spec`'s own type; the mapped type above does.
  return (spec, file) => (measurers[spec.kind] as (spec: BenchCase, file: CaseFile) => Measured)(spec, file);
}

/** Thrown (or returned) when the framework cannot express a case: the cell says `cannot: reason`. */
export class CannotError extends Error {
  override name = 'CannotError';
}

/** Writes a progress line to stderr; the parent passes it through. */
export function progress(message: string): void {
  process.stderr.write(`${message}\n`);
}

function describe(outcome: CaseOutcome): string {
  if (outcome.ms === undefined) return outcome.missing ?? 'no result';
  return `${outcome.ms.toFixed(2)} ms (${outcome.runs} runs)`;
}

/**
 * Runs a framework's process: argv holds the case file, the result file and the framework's own
 * arguments (a torchlet configuration, a tfjs backend). `measure` returns null to skip a case (it
 * is reported as absent), throws {@link CannotError} for what the framework lacks, and `explain`
 * turns other errors into a cell text when they are known limitations (a missing tfjs kernel), or
 * null to report them as failures.
 */
export async function runChild(
  framework: string,
  measure: (spec: BenchCase, file: CaseFile) => Measured | null | Promise<Measured | null>,
  details: string[] = [],
  explain: (error: unknown) => string | null = () => null,
): Promise<void> {
  const [casePath, resultPath] = process.argv.slice(2);
  if (casePath === undefined || resultPath === undefined) {
    progress(`usage: ${process.argv[1]} <case file> <result file> [arguments]`);
    process.exit(2);
  }
  const file = JSON.parse(readFileSync(casePath, 'utf8')) as CaseFile;
  const outcomes: CaseOutcome[] = [];
  for (const spec of file.cases) {
    let outcome: CaseOutcome;
    try {
      const measured = await measure(spec, file);
      if (measured === null) continue;
      const { timing, outputs, differs } = measured;
      outcome = { id: spec.id, ms: timing.ms, runs: timing.runs, outputs, ...(differs === undefined ? {} : { differs }) };
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      const known = error instanceof CannotError ? `cannot: ${message}` : explain(error);
      // An unexpected failure shows in its cell; its stack goes to the log.
      if (known === null) progress(error instanceof Error ? (error.stack ?? message) : message);
      outcome = { id: spec.id, missing: known ?? `failed: ${message}` };
    }
    progress(`${framework}: ${spec.name}: ${describe(outcome)}`);
    outcomes.push(outcome);
  }
  const result: ChildResult = { framework, details, outcomes };
  writeFileSync(resultPath, JSON.stringify(result));
}
