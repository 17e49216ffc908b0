// Types for the parts of build-wasm-elementwise.mjs the tests import.
/** Where the generated WAT text is committed. */
export const WAT_PATH: string;
/** Where the generated TypeScript module with the bytes is committed. */
export const TS_PATH: string;
/** The build script's copies of the constants of src/kernels/fast-math.ts. */
export const TANH_NUMERATOR: readonly number[];
export const TANH_DENOMINATOR: readonly number[];
export const TANH_LIMIT: number;
export const EXP_POLYNOMIAL: readonly number[];
export const EXP_LIMIT: number;
export const ROUNDING_CONSTANT: number;
/** Generates the WAT and the TypeScript module from scratch, without writing them. */
export function build(): Promise<{ wat: string; ts: string; bytes: Uint8Array }>;
