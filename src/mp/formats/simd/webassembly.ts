/**
 * The slice of the WebAssembly JavaScript API that this library uses. TypeScript declares the global
 * `WebAssembly` only in its DOM lib, and the notebook kernel (tslab) compiles with lib es2022 alone, so the
 * library declares what it needs here and reads the global through it.
 */
export interface WasmMemory {
  readonly buffer: ArrayBuffer;
}

/** A compiled module: opaque to its users. */
export type WasmModule = { readonly __wasmModule: unique symbol };

interface WasmApi {
  Module: new (bytes: Uint8Array) => WasmModule;
  Instance: new (
    module: WasmModule,
    imports: Record<string, Record<string, unknown>>,
  ) => { readonly exports: Record<string, unknown> };
  Memory: new (descriptor: { initial: number }) => WasmMemory;
}

export const WebAssemblyApi = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

/** A module from its base64 bytes. Throws where this engine lacks a feature the module uses (SIMD). */
export function moduleFromBase64(base64: string): WasmModule {
  return new WebAssemblyApi.Module(Uint8Array.from(atob(base64), (c) => c.charCodeAt(0)));
}

/**
 * Picks the build of a kernel that can import `memory`: the shared twin for a shared memory (tfjs-wasm's
 * threaded build), else the plain one. An instance must declare its imported memory as the memory is.
 */
export function buildFor(memory: WasmMemory, plain: string, shared: string): string {
  return memory.buffer instanceof SharedArrayBuffer ? shared : plain;
}
