/** The table's rows, from the results of every framework's process, checked against torchlet's. */
import { type BenchCase, runsCase, type TorchletConfiguration } from './cases.js';
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

/**
 * Results of frameworks run again on more threads, by thread count: the rows of a torchlet
 * configuration with that many threads show them instead of the one-thread results (PyTorch's; the
 * JavaScript alternatives have no threads under Node).
 */
export type ThreadedResults = ReadonlyMap<number, Partial<Readonly<Record<OtherFramework, ProcessResult>>>>;

function outcomeOf(result: ProcessResult, spec: BenchCase): CaseOutcome | string {
  if (typeof result === 'string') return result;
  return result.outcomes.find(({ id }) => id === spec.id) ?? 'not measured';
}

/**
 * One row per case and torchlet configuration that runs it (see {@link runsCase}; one row for cases
 * that do not depend on it). The first configuration is the reference: its failing a case, or
 * another configuration disagreeing with it, is a torchlet bug and throws {@link MismatchError}.
 * Another framework that disagrees gets `wrong result: …` in its cell instead of a time.
 */
export function buildRows(cases: readonly BenchCase[], torchlet: readonly TorchletRun[], others: Readonly<Record<OtherFramework, ProcessResult>>, threaded: ThreadedResults = new Map()): Row[] {
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
    const runs = torchlet.filter(({ configuration }, i) => runsCase(configuration, spec, i === 0));
    const otherCells = new Map(
      [...new Set(runs.map(({ configuration }) => configuration.threads))].map((threads) => {
        const cells = OTHER_FRAMEWORKS.map((framework) => [framework, cellOf(framework, threaded.get(threads)?.[framework] ?? others[framework])]);
        return [threads, Object.fromEntries(cells) as Record<OtherFramework, Cell>];
      }),
    );
    return runs.map(({ configuration, result }): Row => {
      const torchletCell = cellOf(`torchlet ${configuration.name}`, result);
      if (typeof torchletCell === 'string' && torchletCell.startsWith('wrong result')) throw new MismatchError(`torchlet ${configuration.name}, ${spec.name}: ${torchletCell}`);
      const row: Row = { name: spec.name, unit: spec.kind === 'matmul' ? 'gflops' : 'ms', torchlet: torchletCell, others: otherCells.get(configuration.threads)! };
      if (spec.kind === 'matmul') row.flops = 2 * spec.n ** 3;
      if (spec.perConfiguration) row.configuration = configuration.name;
      return row;
    });
  });
}
