// The digit panel: the pad, LeNet-5 loaded from a weights file, the prediction, the weights buttons.
import { argmax, classifyDigits, IMAGE_SIZE, makeLeNet, normalise, toMnistImage } from './digits.js';
import { byId, percent, wireWeightButtons } from './dom.js';
import { DigitPad } from './pad.js';
import { decodeWeights, encodeWeights, fingerprint, parameterCount } from './weights.js';

/** The weights the page starts with, and the held-out digits it checks any weights on. */
const WEIGHTS_URL = './lenet.safetensors';
const SAMPLES_URL = './sample-digits.bin';
const PIXELS = IMAGE_SIZE * IMAGE_SIZE;

/** Starts the digit panel: fetches the weights and the sample digits, then classifies what is drawn. */
export async function startDigitsPanel(): Promise<void> {
  const model = makeLeNet();
  const bars = byId<HTMLOListElement>('bars');
  const prediction = byId('prediction');
  const seen = byId<HTMLCanvasElement>('seen');
  const modelLine = byId('digit-model');
  const sampleLabel = byId('sample-label');
  let ready = false;

  bars.replaceChildren(
    ...Array.from({ length: 10 }, (_, digit) => {
      const item = document.createElement('li');
      item.innerHTML = `<span>${digit}</span><div class="bar"><span style="width:0%"></span></div><span class="p">–</span>`;
      return item;
    }),
  );

  const classify = () => {
    if (!ready) return;
    const image = toMnistImage(pad.ink(), pad.canvas.width, pad.canvas.height);
    drawSeen(seen, image);
    if (image === null) {
      prediction.textContent = '–';
      delete prediction.dataset.digit;
      bars.querySelectorAll('li').forEach((item) => setBar(item, 0, false));
      return;
    }
    const probabilities = classifyDigits(model, normalise(image), 1);
    const best = argmax(probabilities);
    prediction.textContent = String(best);
    prediction.dataset.digit = String(best);
    prediction.dataset.probability = String(probabilities[best]);
    bars.querySelectorAll('li').forEach((item, digit) => setBar(item, probabilities[digit]!, digit === best));
  };
  const pad = new DigitPad(byId<HTMLCanvasElement>('pad'), () => {
    sampleLabel.textContent = '';
    classify();
  });

  const [weightsResponse, samplesResponse] = await Promise.all([fetch(WEIGHTS_URL), fetch(SAMPLES_URL)]);
  const samples = new Uint8Array(await samplesResponse.arrayBuffer());
  const sampleCount = samples.length / (PIXELS + 1);
  const sampleImages = new Float32Array(sampleCount * PIXELS);
  for (let i = 0; i < sampleCount * PIXELS; i++) sampleImages[i] = samples[i]! / 255;
  const sampleInputs = normalise(sampleImages);

  /** Loads weights into the model and reports them: their fingerprint and how many sample digits they get right. */
  const useWeights = (bytes: Uint8Array, name: string) => {
    const { stateDict, metadata, format } = decodeWeights(bytes, name);
    model.loadStateDict(stateDict);
    ready = true;
    const weights = fingerprint(model.stateDict());
    const probabilities = classifyDigits(model, sampleInputs, sampleCount);
    let correct = 0;
    for (let i = 0; i < sampleCount; i++) if (argmax(probabilities, i * 10, 10) === samples[sampleCount * PIXELS + i]) correct++;
    const trained = metadata.held_out_accuracy === undefined ? '' : `; ${percent(Number(metadata.held_out_accuracy))} on 2,000 held-out digits when trained`;
    modelLine.innerHTML = `LeNet-5 · ${parameterCount(stateDict).toLocaleString('en')} parameters · weights <span id="digit-fingerprint" class="mono">${weights}</span> · <span id="sample-accuracy" data-value="${correct / sampleCount}">${correct}/${sampleCount}</span> sample digits right${trained}`;
    classify();
    return `Loaded ${name} (${format === 'pt' ? '.pt' : '.safetensors'}): weights ${weights}`;
  };
  useWeights(new Uint8Array(await weightsResponse.arrayBuffer()), 'lenet.safetensors');

  byId('clear').addEventListener('click', () => {
    pad.clear();
    sampleLabel.textContent = '';
    classify();
  });
  // The samples are sorted by digit, ten of each: the button shows 0, 1, … 9, then the next 0, …
  let shown = 0;
  byId('sample').addEventListener('click', () => {
    const i = ((shown % 10) * 10 + Math.floor(shown / 10)) % sampleCount;
    shown++;
    pad.showImage(samples.subarray(i * PIXELS, (i + 1) * PIXELS));
    sampleLabel.textContent = `an MNIST ${samples[sampleCount * PIXELS + i]}`;
    sampleLabel.dataset.digit = String(samples[sampleCount * PIXELS + i]);
    classify();
  });

  wireWeightButtons({
    prefix: 'digit',
    filename: 'lenet',
    save: (format) => encodeWeights(model.stateDict(), format, { model: 'LeNet-5' }),
    load: useWeights,
  });
}

function setBar(item: HTMLLIElement, probability: number, best: boolean): void {
  (item.querySelector('.bar span') as HTMLElement).style.width = percent(probability);
  item.querySelector('.p')!.textContent = percent(probability);
  item.classList.toggle('best', best);
}

/** Draws the 28×28 image the network gets, enlarged. */
function drawSeen(canvas: HTMLCanvasElement, image: Float32Array | null): void {
  const context = canvas.getContext('2d')!;
  const data = new ImageData(IMAGE_SIZE, IMAGE_SIZE);
  for (let i = 0; i < PIXELS; i++) {
    const value = Math.round((image?.[i] ?? 0) * 255);
    data.data.set([value, value, value, 255], i * 4);
  }
  const small = new OffscreenCanvas(IMAGE_SIZE, IMAGE_SIZE);
  small.getContext('2d')!.putImageData(data, 0, 0);
  context.imageSmoothingEnabled = false;
  context.drawImage(small, 0, 0, canvas.width, canvas.height);
}
