// The part of the WebAssembly JavaScript API this project uses (src/qs/slice-kernels.ts). Node
// has it globally, but its types live in TypeScript's DOM libraries, which this project does not
// load (they would declare browser globals too).
declare namespace WebAssembly {
  class Module {
    constructor(bytes: Uint8Array);
  }
  class Memory {
    constructor(descriptor: { initial: number; maximum?: number });
    readonly buffer: ArrayBuffer;
    grow(delta: number): number;
  }
  class Instance {
    constructor(module: Module, imports?: Record<string, Record<string, unknown>>);
    readonly exports: Record<string, unknown>;
  }
}
