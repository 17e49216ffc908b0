/**
 * What the wasm backend's single-threaded path (`wasm-backend.ts`) and its worker threads
 * (`threads.ts`) both need: the slice of the WebAssembly JS API they use (the package's lib has no
 * DOM types), the shipped modules' bytes, and the signature of the GEMM module's exports.
 * @packageDocumentation
 */

/** A WebAssembly memory: ordinary (its buffer an ArrayBuffer) or shared (a SharedArrayBuffer). */
export interface WasmMemory {
  readonly buffer: ArrayBuffer | SharedArrayBuffer;
  grow(pages: number): number;
}

/** The slice of the WebAssembly JS API the backend uses. */
export interface WasmApi {
  validate(bytes: Uint8Array): boolean;
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: GemmKernels };
  Memory: new (descriptor: { initial: number; maximum?: number; shared?: boolean }) => WasmMemory;
}

/**
 * The GEMM module's functions (see wasm/gemm.wat): C += alpha·A·B and y += alpha·M·v, on byte
 * pointers into its memory and strides in elements.
 */
export interface GemmKernels {
  gemm(
    m: number, n: number, k: number, alpha: number,
    a: number, aRowStride: number, aColStride: number,
    b: number, bRowStride: number, bColStride: number,
    c: number, cRowStride: number, packedA: number, packedB: number, tile: number,
  ): void;
  gemv(length: number, k: number, alpha: number, matrix: number, outStride: number, reduceStride: number, vector: number, y: number): void;
}

/** Bytes of a WebAssembly page. */
export const PAGE_BYTES = 65536;
/** wasm32 memory ends at 4 GiB: this many pages. */
export const MAX_PAGES = 65536;

export function wasmApi(): WasmApi | undefined {
  return (globalThis as { WebAssembly?: WasmApi }).WebAssembly;
}

/** The bytes of a module shipped as base64 (`atob` is in Node ≥ 16 and every browser). */
export function decodeBase64(text: string): Uint8Array {
  const binary = (globalThis as unknown as { atob(data: string): string }).atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}
