// Types for the parts of build-wasm.mjs the tests import.
/** Where the generated WAT text is committed. */
export const WAT_PATH: string;
/** Where the generated TypeScript module with the bytes is committed. */
export const TS_PATH: string;
/** Generates the WAT and the TypeScript module from scratch, without writing them. */
export function build(): Promise<{ wat: string; ts: string }>;
