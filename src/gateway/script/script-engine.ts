/**
 * QuickJS engine instances for the sandbox.
 *
 * The heap limit is enforced by WebAssembly, not by QuickJS. In this WebAssembly build QuickJS
 * cannot measure allocation sizes (`malloc_usable_size unavailable`): its `setMemoryLimit` only
 * refuses single allocations over the limit and counts 8 bytes per allocation, so a script that
 * builds many 1 MiB strings under a "64 MiB" QuickJS limit grows the heap to the WebAssembly
 * maximum of 2 GiB. Each instance therefore gets its own `WebAssembly.Memory` whose maximum is
 * the limit plus the engine's fixed reserve; when it is full, malloc fails and the script gets
 * QuickJS's "out of memory".
 *
 * One instance serves one invocation at a time (a lease), so one call's memory use can never
 * starve another. Instances are pooled and reused; the compiled WebAssembly module is shared, so
 * a new instance costs about 3–4 ms. An instance is discarded instead of reused when its
 * invocation hit the memory ceiling or crashed at host level (V8's stack overflowing through
 * WebAssembly frames, a WebAssembly trap), since QuickJS and the C stack pointer may be left
 * inconsistent, and when it grew far past its initial size, to give the memory back.
 *
 * The `debug` variant is an AddressSanitizer build that ends the process when an allocation
 * fails, so its memory is not capped (QuickJS's own single-allocation check still applies).
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { DEBUG_SYNC, RELEASE_SYNC, newQuickJSWASMModuleFromVariant, newVariant } from 'quickjs-emscripten';
import type { QuickJSWASMModule } from 'quickjs-emscripten';
import type { ScriptEngineVariant } from './script-types.ts';

const PAGE = 64 * 1024;
/** Emscripten's initial memory for this build: static data, C stack and the first heap. */
const INITIAL_BYTES = 16 * 1024 * 1024;
/** Part of the initial memory that is not heap (static data and C stack), measured: 16 MiB leaves about 11 MiB of heap. */
const RESERVED_BYTES = 5 * 1024 * 1024;
/** An idle instance that grew more than this past its initial size is dropped rather than kept. */
const KEEP_GROWTH_BYTES = 16 * 1024 * 1024;
/** Idle instances kept per variant and heap limit. */
const MAX_IDLE = 4;

/**
 * The parts of the WebAssembly JavaScript API used here. The project's TypeScript `lib` setting
 * has no WebAssembly types, so the global is described locally.
 */
interface WasmMemory {
  readonly buffer: ArrayBuffer;
}
interface WasmApi {
  compile(bytes: Uint8Array): Promise<object>;
  readonly Memory: new (descriptor: { initial: number; maximum: number }) => WasmMemory;
}
const wasm = (globalThis as unknown as { readonly WebAssembly: WasmApi }).WebAssembly;

const WASM_FILES: Readonly<Record<ScriptEngineVariant, string>> = {
  release: '@jitl/quickjs-wasmfile-release-sync/wasm',
  debug: '@jitl/quickjs-wasmfile-debug-sync/wasm',
};

interface EngineInstance {
  readonly module: QuickJSWASMModule;
  readonly memory: WasmMemory;
  readonly maximumBytes: number | undefined;
}

/** One invocation's exclusive use of an engine instance. */
export interface ScriptEngineLease {
  readonly module: QuickJSWASMModule;
  /** True when the instance's memory is at its ceiling (an allocation failed, or was about to). */
  atMemoryCeiling(): boolean;
  /** Hands the instance back: `reuse` when the invocation ended cleanly, `discard` otherwise. Idempotent. */
  release(outcome: 'reuse' | 'discard'): void;
}

/** Counters for diagnosis and tests. */
export interface ScriptEngineStats {
  /** Instances created since the process started. */
  readonly created: number;
  /** Instances discarded (crash, memory ceiling, growth, full pool). */
  readonly discarded: number;
  /** Instances idle in the pool now. */
  readonly idle: number;
}

const compiled = new Map<ScriptEngineVariant, Promise<object>>();
const idle = new Map<string, EngineInstance[]>();
let created = 0;
let discarded = 0;

function compiledModule(variant: ScriptEngineVariant): Promise<object> {
  let module = compiled.get(variant);
  if (module === undefined) {
    // Resolved from quickjs-emscripten's own location: the wasm packages are its dependencies.
    const require = createRequire(import.meta.resolve('quickjs-emscripten'));
    module = readFile(require.resolve(WASM_FILES[variant])).then((bytes) => wasm.compile(bytes));
    module.catch(() => compiled.delete(variant));
    compiled.set(variant, module);
  }
  return module;
}

/** The WebAssembly memory maximum for a heap limit (undefined: not capped). */
function maximumBytesFor(variant: ScriptEngineVariant, heapLimitBytes: number): number | undefined {
  if (variant === 'debug') return undefined;
  // At least 1 MiB above the initial size, so that reaching the maximum is observable.
  return Math.ceil(Math.max(INITIAL_BYTES + 1024 * 1024, heapLimitBytes + RESERVED_BYTES) / PAGE) * PAGE;
}

async function newInstance(variant: ScriptEngineVariant, maximumBytes: number | undefined): Promise<EngineInstance> {
  const wasmModule = await compiledModule(variant);
  const memory = new wasm.Memory(maximumBytes === undefined ? { initial: INITIAL_BYTES / PAGE, maximum: 32768 } : { initial: INITIAL_BYTES / PAGE, maximum: maximumBytes / PAGE });
  const module = await newQuickJSWASMModuleFromVariant(newVariant(variant === 'debug' ? DEBUG_SYNC : RELEASE_SYNC, { wasmModule, wasmMemory: memory }));
  created += 1;
  return { module, memory, maximumBytes };
}

/** An engine instance for one invocation, from the pool or new. */
export async function leaseScriptEngine(variant: ScriptEngineVariant, heapLimitBytes: number): Promise<ScriptEngineLease> {
  const maximumBytes = maximumBytesFor(variant, heapLimitBytes);
  const key = `${variant}:${maximumBytes ?? 'uncapped'}`;
  const instance = idle.get(key)?.pop() ?? (await newInstance(variant, maximumBytes));
  let released = false;
  return {
    module: instance.module,
    atMemoryCeiling: () => instance.maximumBytes !== undefined && instance.memory.buffer.byteLength + PAGE > instance.maximumBytes,
    release: (outcome) => {
      if (released) return;
      released = true;
      const pool = idle.get(key) ?? [];
      const grewTooMuch = instance.memory.buffer.byteLength > INITIAL_BYTES + KEEP_GROWTH_BYTES;
      const atCeiling = instance.maximumBytes !== undefined && instance.memory.buffer.byteLength + PAGE > instance.maximumBytes;
      if (outcome === 'discard' || grewTooMuch || atCeiling || pool.length >= MAX_IDLE) {
        discarded += 1;
        return;
      }
      pool.push(instance);
      idle.set(key, pool);
    },
  };
}

/** How many instances were created and discarded, and how many are idle. */
export function scriptEngineStats(): ScriptEngineStats {
  let idleCount = 0;
  for (const pool of idle.values()) idleCount += pool.length;
  return { created, discarded, idle: idleCount };
}
