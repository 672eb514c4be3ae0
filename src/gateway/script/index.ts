/**
 * Connector custom code: TypeScript/JavaScript hooks (script.ts / script.js) run in a QuickJS
 * sandbox with memory and time limits, and the clear error for C# script.csx that cannot run.
 */
export { createScriptRunner, resolveScriptRunnerOptions, SCRIPT_RUNNER_DEFAULTS } from './script-runner.ts';
export type {
  ResolvedScriptRunnerOptions,
  ScriptEngineVariant,
  ScriptRequest,
  ScriptResponse,
  ScriptRunInput,
  ScriptRunner,
  ScriptRunnerOptions,
  ScriptSend,
  ScriptSendOptions,
} from './script-types.ts';
export { customCodeSupport, createCustomCodeResolver, handlesOperation } from './custom-code-support.ts';
export type { CustomCodeResolverOptions, CustomCodeSupport, SandboxCustomCode } from './custom-code-support.ts';
export { compileScript } from './compile-script.ts';
export type { CompiledScript } from './compile-script.ts';
export { CUSTOM_CODE_ERROR_CODES, SCRIPT_HOOK_SIGNATURE } from './errors.ts';
export type { ScriptErrorContext, ScriptLocation } from './errors.ts';
export { PRELUDE_GLOBALS } from './prelude.ts';
export { scriptEngineStats } from './script-engine.ts';
export { runSandboxedFunction } from './sandboxed-function.ts';
export type { SandboxedFunctionFailure, SandboxedFunctionLimits, SandboxedFunctionOptions, SandboxedFunctionResult } from './sandboxed-function.ts';
export type { ScriptEngineStats } from './script-engine.ts';
