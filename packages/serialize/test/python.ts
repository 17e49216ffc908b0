/**
 * PyTorch on the side, for tests that check PyTorch reads what torchlet writes. Tests call
 * {@link runTorch} only when {@link torchPython} is set, and otherwise log
 * `skipped: python3 with torch not available` (the project allows no skipped tests).
 */
import { spawnSync } from 'node:child_process';

function importsTorch(python: string): boolean {
  return spawnSync(python, ['-c', 'import torch'], { stdio: 'ignore' }).status === 0;
}

/**
 * A Python that can `import torch`: `$TORCHLET_PYTHON`, `python3` on the PATH, or Debian's
 * `/usr/bin/python3` (`apt-get install python3-torch`), whichever comes first; null when none can.
 */
export const torchPython: string | null =
  [process.env['TORCHLET_PYTHON'], 'python3', '/usr/bin/python3'].find((python): python is string => python !== undefined && importsTorch(python)) ?? null;

/** Runs a Python script with torch and returns its standard output; throws with its stderr when it fails. */
export function runTorch(script: string, args: string[] = []): string {
  if (torchPython === null) throw new Error('runTorch: python3 with torch not available');
  const result = spawnSync(torchPython, ['-c', script, ...args], { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`python exited with ${result.status}:\n${result.stderr}`);
  return result.stdout;
}

/** Logs the skip note of a test that needs PyTorch where none is installed. */
export function noteSkipped(): void {
  console.log('skipped: python3 with torch not available');
}
