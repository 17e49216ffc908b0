import { resolve } from 'node:path';
import { main } from './cli.js';

// pnpm runs scripts in the package's folder and sets INIT_CWD to where the user typed the command:
// runs/ and the printed paths are relative to that.
const cwd = resolve(process.env['INIT_CWD'] ?? process.cwd());
process.exitCode = await main(process.argv.slice(2), {
  stdout: { write: (text) => process.stdout.write(text), isTTY: process.stdout.isTTY === true },
  stderr: { write: (text) => process.stderr.write(text) },
  cwd,
});
