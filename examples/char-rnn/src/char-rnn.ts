import { readFileSync } from 'node:fs';
import { Adam, Embedding, functional as F, Generator, InvalidArgumentError, Linear, LSTM, Module, noGrad, type Tensor, tensor, utils } from '@torchlet/optim';

/** Three Shakespeare sonnets (18, 116, 130) and Aesop's "The North Wind and the Sun", all public domain. */
export function loadCorpus(): string {
  return readFileSync(new URL('../data/corpus.txt', import.meta.url), 'utf8');
}

/** The characters of a text, sorted, and the maps between characters and ids. */
export class Vocabulary {
  readonly characters: string[];
  private readonly ids: Map<string, number>;

  constructor(text: string) {
    this.characters = [...new Set(text)].sort();
    this.ids = new Map(this.characters.map((c, i) => [c, i]));
  }

  get size(): number {
    return this.characters.length;
  }

  encode(text: string): number[] {
    return [...text].map((c) => {
      const id = this.ids.get(c);
      if (id === undefined) throw new InvalidArgumentError(`Vocabulary.encode: character ${JSON.stringify(c)} is not in the vocabulary`);
      return id;
    });
  }

  decode(ids: readonly number[]): string {
    return ids.map((id) => this.characters[id]!).join('');
  }
}

/** The recurrent state of an LSTM: [h, c], each [numLayers, batch, hidden]. */
export type LSTMState = [Tensor, Tensor];

/** Embedding → LSTM → Linear: the logits of the next character at every position. */
export class CharRNN extends Module {
  embedding: Embedding;
  lstm: LSTM;
  head: Linear;

  constructor(vocabularySize: number, options: { embeddingSize?: number; hiddenSize?: number; numLayers?: number } = {}) {
    super();
    const { embeddingSize = 32, hiddenSize = 128, numLayers = 1 } = options;
    this.embedding = new Embedding(vocabularySize, embeddingSize);
    this.lstm = new LSTM(embeddingSize, hiddenSize, { numLayers });
    this.head = new Linear(hiddenSize, vocabularySize);
  }

  /** `input` holds character ids [seq, batch]; returns logits [seq, batch, vocabulary] and the final state. */
  override forward(input: Tensor, state: LSTMState | null = null): [Tensor, LSTMState] {
    const [output, next] = this.lstm.call(this.embedding.call(input), state) as [Tensor, LSTMState];
    return [this.head.call(output), next];
  }
}

/** Options of {@link train}. */
export interface TrainOptions {
  steps?: number;
  batchSize?: number;
  sequenceLength?: number;
  embeddingSize?: number;
  hiddenSize?: number;
  lr?: number;
  /** Largest total gradient norm; larger gradients are scaled down (`utils.clipGradNorm_`). */
  maxGradNorm?: number;
  /** Seeds the generator that picks the training windows. */
  seed?: number;
  log?: (line: string) => void;
}

/**
 * Trains a {@link CharRNN} on random windows of `text`: each step takes `batchSize` windows of
 * `sequenceLength + 1` characters, predicts characters 1… from characters …n−1 with
 * cross-entropy, clips the gradient norm and takes an Adam step. The model's initial weights come
 * from the default generator, so seed it first (`manualSeed`).
 */
export function train(text: string, options: TrainOptions = {}): { model: CharRNN; vocabulary: Vocabulary; losses: number[] } {
  const { steps = 250, batchSize = 16, sequenceLength = 48, embeddingSize = 32, hiddenSize = 128, lr = 0.01, maxGradNorm = 1, seed = 0, log } = options;
  const vocabulary = new Vocabulary(text);
  const ids = vocabulary.encode(text);
  if (ids.length <= sequenceLength + 1) throw new InvalidArgumentError(`train: the text has ${ids.length} characters, fewer than sequenceLength + 2 = ${sequenceLength + 2}`);
  const model = new CharRNN(vocabulary.size, { embeddingSize, hiddenSize });
  const optimizer = new Adam(model.parameters(), { lr });
  const generator = new Generator(seed);
  const losses: number[] = [];
  for (let step = 1; step <= steps; step++) {
    const windows = Array.from({ length: batchSize }, () => {
      const start = Math.floor(generator.nextFloat64() * (ids.length - sequenceLength - 1));
      return ids.slice(start, start + sequenceLength + 1);
    });
    // [seq, batch], the LSTM's default layout.
    const columns = (from: number): number[][] => Array.from({ length: sequenceLength }, (_, t) => windows.map((w) => w[t + from]!));
    const input = tensor(columns(0), { dtype: 'int64' });
    const target = tensor(columns(1), { dtype: 'int64' });
    const [logits] = model.call(input) as [Tensor, LSTMState];
    const loss = F.crossEntropy(logits.reshape(-1, vocabulary.size), target.reshape(-1));
    optimizer.zeroGrad();
    loss.backward();
    utils.clipGradNorm_(model.parameters(), maxGradNorm);
    optimizer.step();
    losses.push(Number(loss.item()));
    if (log && (step === 1 || step % 25 === 0)) log(`step ${String(step).padStart(4)}  loss ${losses[losses.length - 1]!.toFixed(3)}`);
  }
  return { model, vocabulary, losses };
}

/**
 * Samples `length` characters after `prompt`: runs the prompt through the model, then draws each
 * next character from softmax(logits / temperature) with a seeded generator and feeds it back.
 * Returns only the new characters.
 */
export function generate(model: CharRNN, vocabulary: Vocabulary, options: { prompt?: string; length?: number; temperature?: number; seed?: number } = {}): string {
  const { prompt = '\n', length = 200, temperature = 0.8, seed = 0 } = options;
  if (prompt.length === 0) throw new InvalidArgumentError('generate: the prompt must hold at least one character');
  if (!(temperature > 0)) throw new InvalidArgumentError(`generate: temperature must be positive, got ${temperature}`);
  const generator = new Generator(seed);
  const out: number[] = [];
  noGrad(() => {
    let [logits, state] = model.call(tensor(vocabulary.encode(prompt).map((id) => [id]), { dtype: 'int64' })) as [Tensor, LSTMState];
    for (let i = 0; i < length; i++) {
      const last = logits.select(0, logits.shape[0]! - 1).select(0, 0); // [vocabulary]
      const probabilities = last.div(temperature).softmax(-1).tolist() as number[];
      const id = sample(probabilities, generator.nextFloat64());
      out.push(id);
      [logits, state] = model.call(tensor([[id]], { dtype: 'int64' }), state) as [Tensor, LSTMState];
    }
  });
  return vocabulary.decode(out);
}

/** The index where the running sum of `probabilities` first exceeds `u` ∈ [0, 1). */
function sample(probabilities: readonly number[], u: number): number {
  let sum = 0;
  for (let i = 0; i < probabilities.length; i++) {
    sum += probabilities[i]!;
    if (u < sum) return i;
  }
  return probabilities.length - 1; // rounding left the total just under u
}
