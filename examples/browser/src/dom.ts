// Small DOM helpers shared by the two panels.
import type { WeightsFormat } from './weights.js';

/** The element with id `id` (the page's markup has them all). */
export function byId<T extends HTMLElement>(id: string): T {
  return document.getElementById(id) as T;
}

/** `value` as a percentage with one decimal. */
export function percent(value: number): string {
  return `${(value * 100).toFixed(1)}%`;
}

/** Makes the browser save `bytes` as a file called `filename`. */
export function downloadBytes(bytes: Uint8Array, filename: string): void {
  const url = URL.createObjectURL(new Blob([bytes as Uint8Array<ArrayBuffer>], { type: 'application/octet-stream' }));
  const link = document.createElement('a');
  link.href = url;
  link.download = filename;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** Shows `text` in a status line, red when it reports an error. */
export function showMessage(element: HTMLElement, text: string, isError = false): void {
  element.textContent = text;
  element.classList.toggle('error', isError);
}

/**
 * Wires a panel's weight buttons (`<prefix>-download-pt`, `<prefix>-download-safetensors`) and
 * file input (`<prefix>-file`): `save` returns a file's bytes in a format, `load` reads a chosen
 * file's bytes and returns what to report.
 */
export function wireWeightButtons(options: {
  prefix: string;
  filename: string;
  save: (format: WeightsFormat) => Promise<Uint8Array> | Uint8Array;
  load: (bytes: Uint8Array, name: string) => Promise<string> | string;
}): void {
  const message = byId(`${options.prefix}-message`);
  for (const format of ['pt', 'safetensors'] as const) {
    byId(`${options.prefix}-download-${format}`).addEventListener('click', async () => {
      try {
        const bytes = await options.save(format);
        downloadBytes(bytes, `${options.filename}.${format}`);
        showMessage(message, `Saved ${options.filename}.${format} (${bytes.length.toLocaleString('en')} bytes)`);
      } catch (error) {
        showMessage(message, (error as Error).message, true);
      }
    });
  }
  const input = byId<HTMLInputElement>(`${options.prefix}-file`);
  input.addEventListener('change', async () => {
    const file = input.files?.[0];
    if (file === undefined) return;
    try {
      showMessage(message, await options.load(new Uint8Array(await file.arrayBuffer()), file.name));
    } catch (error) {
      showMessage(message, `Could not load ${file.name}: ${(error as Error).message}`, true);
    } finally {
      input.value = ''; // choosing the same file again fires another change
    }
  });
}
