/**
 * Workflow functions: they read the run state in the {@link ExpressionContext}: action, actionBody,
 * actionOutputs, actions, body, formDataMultiValues, formDataValue, item, items,
 * iterationIndexes, listCallbackUrl, multipartBody, outputs, parameters, result, trigger,
 * triggerBody, triggerFormDataMultiValues, triggerFormDataValue, triggerMultipartBody,
 * triggerOutputs, variables, workflow. Names are looked up exactly, then ignoring case; lookups
 * only ever read own properties, so `parameters('constructor')` finds nothing.
 */
import { isRecord } from '../evaluate.ts';
import { ValueError, contentBytes, isContent, utf8 } from '../values.ts';
import { unescapeDataString } from './conversion.ts';
import { definer } from './arguments.ts';
import type { Arguments } from './arguments.ts';
import type { FunctionFamily, FunctionRuntime } from './runtime.ts';

/** An own property by exact name, then ignoring case. */
function lookup(map: unknown, name: string): { readonly found: boolean; readonly value?: unknown } {
  if (!isRecord(map)) return { found: false };
  if (Object.hasOwn(map, name) && map[name] !== undefined) return { found: true, value: map[name] };
  const lower = name.toLowerCase();
  for (const key of Object.keys(map)) if (key.toLowerCase() === lower && map[key] !== undefined) return { found: true, value: map[key] };
  return { found: false };
}

/** A property of a run-history object, null when absent. */
function member(value: unknown, name: string): unknown {
  const found = lookup(value, name);
  return found.found ? found.value : null;
}

function required(args: Arguments, spec: { readonly map: unknown; readonly name: string; readonly what: string; readonly hint: string }): unknown {
  const found = lookup(spec.map, spec.name);
  if (!found.found) return args.fail(`${spec.what} \`${spec.name}\` does not exist${spec.hint}`, 'not-found');
  return found.value;
}

/** Form data of a body: `$formdata` entries, or an urlencoded `$content`. */
function formData(args: Arguments, body: unknown): { readonly key: string; readonly value: unknown }[] {
  if (isRecord(body) && Array.isArray(body.$formdata)) {
    return body.$formdata.filter(isRecord).map((entry) => ({ key: typeof entry.key === 'string' ? entry.key : String(entry.key), value: entry.value }));
  }
  if (isContent(body) && /x-www-form-urlencoded/i.test(body['$content-type'])) {
    let text: string;
    try {
      text = utf8(contentBytes(body));
    } catch (error) {
      if (error instanceof ValueError) return args.fail(error.message);
      throw error;
    }
    return text
      .split('&')
      .filter((pair) => pair !== '')
      .map((pair) => {
        const at = pair.indexOf('=');
        const decode = (part: string) => unescapeDataString(part.replaceAll('+', ' '));
        return at < 0 ? { key: decode(pair), value: '' } : { key: decode(pair.slice(0, at)), value: decode(pair.slice(at + 1)) };
      });
  }
  return args.fail('the body is not form data (no `$formdata` and not application/x-www-form-urlencoded content)');
}

/** Where form data is read: a body and a key. */
interface FormLookup {
  readonly body: unknown;
  readonly key: string;
}

function formValues(args: Arguments, lookup: FormLookup): unknown[] {
  return formData(args, lookup.body)
    .filter((entry) => entry.key === lookup.key)
    .map((entry) => entry.value);
}

function singleFormValue(args: Arguments, lookup: FormLookup): unknown {
  const values = formValues(args, lookup);
  if (values.length > 1) return args.fail(`the form data has ${values.length} values for the key; use the MultiValues function to read them all`);
  return values[0] ?? null;
}

function multipart(args: Arguments, part: { readonly body: unknown; readonly index: number }): unknown {
  const { body, index } = part;
  const parts = isRecord(body) ? body.$multipart : undefined;
  if (!Array.isArray(parts)) return args.fail('the body is not multipart content (no `$multipart` parts)');
  if (index < 0 || index >= parts.length) return args.fail(`part ${index} does not exist; the body has ${parts.length} part${parts.length === 1 ? '' : 's'}`, 'index-out-of-range');
  return member(parts[index], 'body');
}

/** The functions of this family. */
export function workflowFunctions(runtime: FunctionRuntime): FunctionFamily {
  const { fn } = definer(runtime);
  // Read on every call: one table serves every evaluation of an evaluator (its runtime is swapped).
  const actionOf = (args: Arguments): unknown =>
    required(args, { map: runtime.context.actions, name: args.string(0, 'actionName'), what: 'action', hint: ' in this run (it has not run, or the name is misspelled — names use _ for spaces)' });
  const triggerOf = (args: Arguments): unknown => {
    if (runtime.context.trigger === undefined) return args.fail('there is no trigger in this evaluation context', 'not-found');
    return runtime.context.trigger;
  };
  const triggerBodyOf = (args: Arguments): unknown => member(member(triggerOf(args), 'outputs'), 'body');
  const outputsOf = (args: Arguments) => member(actionOf(args), 'outputs');
  const bodyOf = (args: Arguments) => member(outputsOf(args), 'body');
  const actions = fn([1, 1], (args) => actionOf(args));
  const outputs = fn([1, 1], (args) => outputsOf(args));
  const body = fn([1, 1], (args) => bodyOf(args));
  return {
    parameters: fn([1, 1], (args) => required(args, { map: runtime.context.parameters, name: args.string(0, 'parameterName'), what: 'parameter', hint: ' in the workflow definition' })),
    variables: fn([1, 1], (args) => required(args, { map: runtime.context.variables, name: args.string(0, 'variableName'), what: 'variable', hint: ' (initialize it with an InitializeVariable action first)' })),
    action: fn([0, 0], (args) => {
      if (runtime.context.action === undefined) return args.fail('action() is only available in trackedProperties, a webhook unsubscribe and an Until condition', 'not-found');
      return runtime.context.action;
    }),
    actions,
    actionOutputs: outputs,
    outputs,
    actionBody: body,
    body,
    formDataValue: fn([2, 2], (args) => singleFormValue(args, { body: bodyOf(args), key: args.string(1, 'key') })),
    formDataMultiValues: fn([2, 2], (args) => formValues(args, { body: bodyOf(args), key: args.string(1, 'key') })),
    multipartBody: fn([2, 2], (args) => multipart(args, { body: bodyOf(args), index: args.integer(1, 'index') })),
    trigger: fn([0, 0], (args) => triggerOf(args)),
    triggerOutputs: fn([0, 0], (args) => member(triggerOf(args), 'outputs')),
    triggerBody: fn([0, 0], (args) => triggerBodyOf(args)),
    triggerFormDataValue: fn([1, 1], (args) => singleFormValue(args, { body: triggerBodyOf(args), key: args.string(0, 'key') })),
    triggerFormDataMultiValues: fn([1, 1], (args) => formValues(args, { body: triggerBodyOf(args), key: args.string(0, 'key') })),
    triggerMultipartBody: fn([1, 1], (args) => multipart(args, { body: triggerBodyOf(args), index: args.integer(0, 'index') })),
    item: fn([0, 0], (args) => {
      if (runtime.context.item === undefined) return args.fail('item() is only available inside a For each loop or an array operation (Filter, Select)', 'not-found');
      return runtime.context.item;
    }),
    items: fn([1, 1], (args) => required(args, { map: runtime.context.items, name: args.string(0, 'loopName'), what: 'loop', hint: ' around this expression (items() names an enclosing For each loop)' })),
    iterationIndexes: fn([1, 1], (args) => required(args, { map: runtime.context.iterationIndexes, name: args.string(0, 'loopName'), what: 'Until loop', hint: ' around this expression' })),
    result: fn([1, 1], (args) => required(args, { map: runtime.context.results, name: args.string(0, 'scopedActionName'), what: 'scope', hint: ' with results in this run (result() names a Scope, For each or Until action that has finished)' })),
    workflow: fn([0, 0], (args) => {
      if (runtime.context.workflow === undefined) return args.fail('there are no workflow details in this evaluation context', 'not-found');
      return runtime.context.workflow;
    }),
    listCallbackUrl: fn([0, 0], (args) => {
      if (runtime.context.callbackUrl === undefined) return args.fail('listCallbackUrl() is only available in webhook triggers and actions', 'not-found');
      return runtime.context.callbackUrl;
    }),
  };
}
