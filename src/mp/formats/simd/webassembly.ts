/**
 * The slice of the WebAssembly JavaScript API that this library uses. TypeScript declares the global
 * `WebAssembly` only in its DOM lib, and the notebook kernel (tslab) compiles with lib es2022 alone, so the
 * library declares what it needs here and reads the global through it.
 */
export interface WasmMemory {
  readonly buffer: ArrayBufferLike;
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

const modules = new Map<string, WasmModule | null>();

/**
 * The build of a kernel that can import `memory`, compiled once: the shared twin for a shared memory (tfjs-wasm's
 * threaded build), else the plain one, since an instance must declare its imported memory as the memory is.
 * null where this engine cannot compile it (no WebAssembly SIMD): callers then run their scalar loops.
 */
export function moduleFor(memory: WasmMemory, plain: string, shared: string): WasmModule | null {
  const isShared = typeof SharedArrayBuffer !== 'undefined' && memory.buffer instanceof SharedArrayBuffer;
  const build = isShared ? shared : plain;
  if (!modules.has(build)) {
    try {
      modules.set(build, new WebAssemblyApi.Module(Uint8Array.from(atob(build), (c) => c.charCodeAt(0))));
    } catch {
      modules.set(build, null);
    }
  }
  return modules.get(build)!;
}
