/** The table's rows, from the results of every framework's process, checked against torchlet's. */
import type { BenchCase, TorchletConfiguration } from './cases.js';
import { type CaseOutcome, type ChildResult, progress } from './child.js';
import { MismatchError } from './mismatch-error.js';
import { type Cell, OTHER_FRAMEWORKS, type OtherFramework, type Row } from './report.js';
import { disagreement } from './verify.js';

/** A process's result, or why it has none (`not installed`, `failed: …`). */
export type ProcessResult = ChildResult | string;

/** What one torchlet configuration's process returned. */
export interface TorchletRun {
  configuration: TorchletConfiguration;
  result: ProcessResult;
}

function outcomeOf(result: ProcessResult, spec: BenchCase): CaseOutcome | string {
  if (typeof result === 'string') return result;
  return result.outcomes.find(({ id }) => id === spec.id) ?? 'not measured';
}

/**
 * One row per case and torchlet configuration (one row for cases that do not depend on it). The
 * first configuration is the reference: its failing a case, or another configuration disagreeing
 * with it, is a torchlet bug and throws {@link MismatchError}. Another framework that disagrees
 * gets `wrong result: …` in its cell instead of a time.
 */
export function buildRows(cases: readonly BenchCase[], torchlet: readonly TorchletRun[], others: Readonly<Record<OtherFramework, ProcessResult>>): Row[] {
  const [first] = torchlet;
  if (first === undefined) throw new MismatchError('no torchlet configuration ran');
  return cases.flatMap((spec) => {
    const reference = outcomeOf(first.result, spec);
    if (typeof reference === 'string' || reference.ms === undefined) {
      throw new MismatchError(`torchlet ${first.configuration.name} has no result for ${spec.name}: ${typeof reference === 'string' ? reference : reference.missing}`);
    }
    const cellOf = (label: string, result: ProcessResult): Cell => {
      const outcome = outcomeOf(result, spec);
      if (typeof outcome === 'string') return outcome;
      if (outcome.ms === undefined) return outcome.missing ?? 'not measured';
      const problem = disagreement(spec, reference, outcome);
      if (problem === null) return outcome.ms;
      progress(`${label}: ${spec.name}: ${problem}`);
      return `wrong result: ${problem}`;
    };
    const otherCells = Object.fromEntries(OTHER_FRAMEWORKS.map((framework) => [framework, cellOf(framework, others[framework])])) as Record<OtherFramework, Cell>;
    const runs = spec.perConfiguration ? torchlet : [first];
    return runs.map(({ configuration, result }): Row => {
      const torchletCell = cellOf(`torchlet ${configuration.name}`, result);
      if (typeof torchletCell === 'string' && torchletCell.startsWith('wrong result')) throw new MismatchError(`torchlet ${configuration.name}, ${spec.name}: ${torchletCell}`);
      const row: Row = { name: spec.name, unit: spec.kind === 'matmul' ? 'gflops' : 'ms', torchlet: torchletCell, others: otherCells };
      if (spec.kind === 'matmul') row.flops = 2 * spec.n ** 3;
      if (spec.perConfiguration) row.configuration = configuration.name;
      return row;
    });
  });
}
