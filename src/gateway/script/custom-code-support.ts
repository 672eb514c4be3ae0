/**
 * Which operations of a connector run custom code, and whether Plugboard can run it.
 *
 * `scriptOperations` (apiProperties.json) lists the operations the script handles; when it is
 * absent or empty, the script handles every operation — the platform's rule, and the reason C#
 * connectors without the list fail on every operation. An operation the script does not handle
 * goes straight to the backend (`none`). A connector that lists `scriptOperations` but ships no
 * script file (two published ones do) has nothing to run: `none`.
 */
import type { PlugboardError } from '../../core/index.ts';
import type { ConnectorDefinition, CustomCode } from '../../connectors/index.ts';
import type { CustomCodeHook, CustomCodeResolver } from '../invoke/ports.ts';
import { customCodeInvalid, customCodeUnsupported } from './errors.ts';
import { createScriptRunner } from './script-runner.ts';
import type { ScriptRunner, ScriptRunnerOptions } from './script-types.ts';

/** TypeScript/JavaScript custom code whose text was read. */
export interface SandboxCustomCode {
  readonly language: 'typescript' | 'javascript';
  readonly file: string;
  readonly source: string;
}

/** What happens to one operation: nothing special, the sandboxed script, or an error. */
export type CustomCodeSupport =
  | { readonly kind: 'none' }
  | { readonly kind: 'sandbox'; readonly code: SandboxCustomCode }
  | { readonly kind: 'unsupported'; readonly error: PlugboardError };

/** True when the connector's custom code handles `operationId`. */
export function handlesOperation(definition: ConnectorDefinition, operationId: string): boolean {
  return definition.scriptOperations.length === 0 || definition.scriptOperations.includes(operationId);
}

/**
 * Decides how `operationId` of `definition` runs. C# code → `unsupported` with a
 * `CustomCodeUnsupported` error naming the operation and the script.ts hook that would replace it;
 * a TypeScript/JavaScript file that was too large to read → `unsupported` with `CustomCodeInvalid`.
 */
export function customCodeSupport(definition: ConnectorDefinition, operationId: string): CustomCodeSupport {
  const code = definition.source.customCode;
  if (code === undefined || !handlesOperation(definition, operationId)) return { kind: 'none' };
  if (code.language === 'csharp') {
    return { kind: 'unsupported', error: customCodeUnsupported({ connector: definition.info.title, file: code.file, operationId }) };
  }
  if (code.source === undefined) {
    return {
      kind: 'unsupported',
      error: customCodeInvalid({ file: code.file, operationId }, 'the script file was not read (it is larger than the connector file limit)', { fix: 'make the script smaller' }),
    };
  }
  return { kind: 'sandbox', code: { language: code.language, file: code.file, source: code.source } };
}

/** Runner options that apply to every connector's script. */
export type CustomCodeResolverOptions = Omit<ScriptRunnerOptions, 'source' | 'language' | 'file'>;

/**
 * The gateway's custom-code port: for each operation, `none`, the C# error, or a sandbox hook
 * whose runner is created (compiled and checked) on first use and shared by every call of that
 * connector version. A script that fails to load fails each call with the same `CustomCodeInvalid`.
 */
export function createCustomCodeResolver(options: CustomCodeResolverOptions = {}): CustomCodeResolver {
  // Keyed by the definition's CustomCode object: the invoker caches definitions per version, and a
  // WeakMap lets a replaced version's runner go with it.
  const runners = new WeakMap<CustomCode, Promise<ScriptRunner>>();
  const runnerFor = (customCode: CustomCode, code: SandboxCustomCode): Promise<ScriptRunner> => {
    let runner = runners.get(customCode);
    if (runner === undefined) {
      runner = createScriptRunner({ ...options, source: code.source, language: code.language, file: code.file });
      runners.set(customCode, runner);
    }
    return runner;
  };
  return (definition, operationId): CustomCodeHook => {
    const support = customCodeSupport(definition, operationId);
    if (support.kind !== 'sandbox') return support;
    const customCode = definition.source.customCode;
    if (customCode === undefined) return { kind: 'none' };
    return {
      kind: 'sandbox',
      run: async (input) => (await runnerFor(customCode, support.code)).run(input),
    };
  };
}
