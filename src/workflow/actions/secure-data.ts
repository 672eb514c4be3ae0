/**
 * Secure inputs/outputs (`runtimeConfiguration.secureData.properties`): the outcome says which parts
 * run history must hide; the values themselves stay in the outcome because successors read them.
 */
import { ExpressionSyntaxError, isRecord, parseTemplate } from '../../expressions/index.ts';
import type { Expression, Template } from '../../expressions/index.ts';
import type { ActionOutcome, SecureParts } from './contract.ts';
import { inlineCodeVisibility } from './executors/javascript-code.ts';

/**
 * Compose, ParseJson and Response have only the inputs setting, and it hides their outputs too
 * (their outputs are their inputs) — Logic Apps, "Secure access and data", secure inputs/outputs.
 */
const INPUTS_HIDE_OUTPUTS: ReadonlySet<string> = new Set(['compose', 'parsejson', 'response']);

/**
 * Which parts of an action's result are secured, from its raw `runtimeConfiguration` and type.
 * Returns undefined when nothing is.
 */
export function secureDataOf(runtimeConfiguration: unknown, type: string): SecureParts | undefined {
  if (!isRecord(runtimeConfiguration)) return undefined;
  const secureData = findKey(runtimeConfiguration, 'secureData');
  if (!isRecord(secureData)) return undefined;
  const properties = findKey(secureData, 'properties');
  if (!Array.isArray(properties)) return undefined;
  const names = new Set(properties.filter((p): p is string => typeof p === 'string').map((p) => p.toLowerCase()));
  const inputs = names.has('inputs');
  const outputs = names.has('outputs') || (inputs && INPUTS_HIDE_OUTPUTS.has(type.toLowerCase()));
  return inputs || outputs ? { inputs, outputs } : undefined;
}

/** What run history stores and shows for an outcome: secured parts are left out (the `secure` flags stay, so a UI can say why). */
export function historyView(outcome: ActionOutcome): ActionOutcome {
  const secure = outcome.secure;
  if (secure === undefined) return outcome;
  const { inputs, outputs, response, ...rest } = outcome;
  return {
    ...rest,
    ...(secure.inputs ? {} : { inputs }),
    ...(secure.outputs ? {} : { outputs }),
    // The reply is sent to the caller; history keeps only its status when the body is secured.
    ...(response === undefined ? {} : { response: secure.inputs || secure.outputs ? { statusCode: response.statusCode, headers: {}, body: null } : response }),
  };
}

function findKey(record: Readonly<Record<string, unknown>>, name: string): unknown {
  if (Object.hasOwn(record, name)) return record[name];
  const lower = name.toLowerCase();
  const key = Object.keys(record).find((k) => k.toLowerCase() === lower);
  return key === undefined ? undefined : record[key];
}

/** The actions and trigger whose results an action's raw inputs read (for secure-data propagation). */
export interface OutputReferences {
  /** Names given as literals to `body()`, `outputs()`, `actions()`, `actionBody()`, `actionOutputs()`, `result()`. */
  readonly actions: ReadonlySet<string>;
  /** `trigger()`, `triggerBody()`, `triggerOutputs()` or the trigger's form-data functions are used. */
  readonly trigger: boolean;
  /** Some of those functions get a computed name: the engine cannot tell which action is read. */
  readonly dynamic: boolean;
}

const ACTION_READERS = new Set(['body', 'outputs', 'actions', 'actionbody', 'actionoutputs', 'result']);
const TRIGGER_READERS = new Set(['trigger', 'triggerbody', 'triggeroutputs', 'triggerformdatavalue', 'triggerformdatamultivalues', 'triggermultipartbody']);

/** Results by raw inputs object: the engine asks on every execution (each Foreach iteration). */
const byObject = new WeakMap<object, OutputReferences>();
/** Results by raw inputs string (`"inputs": "@body('A')"`), oldest dropped first. */
const byString = new Map<string, OutputReferences>();
const MAX_CACHED_STRINGS = 500;

/**
 * Finds which action results and whether the trigger's a raw JSON value reads; unparsable strings
 * are skipped. Memoised by the value (an object by identity, a string by text): raw inputs come
 * from the loaded definition, which is never changed, so repeated executions parse nothing. The
 * result is shared: callers only read it.
 */
export function outputReferences(value: unknown): OutputReferences {
  if (typeof value === 'object' && value !== null) {
    const known = byObject.get(value);
    if (known !== undefined) return known;
    const found = findOutputReferences(value);
    byObject.set(value, found);
    return found;
  }
  if (typeof value !== 'string') return findOutputReferences(value);
  const known = byString.get(value);
  if (known !== undefined) return known;
  const found = findOutputReferences(value);
  if (byString.size >= MAX_CACHED_STRINGS) {
    const oldest = byString.keys().next();
    if (oldest.done !== true) byString.delete(oldest.value);
  }
  byString.set(value, found);
  return found;
}

function findOutputReferences(value: unknown): OutputReferences {
  const actions = new Set<string>();
  let trigger = false;
  let dynamic = false;
  const visitExpression = (node: Expression): void => {
    switch (node.kind) {
      case 'call': {
        const first = node.args[0];
        if (ACTION_READERS.has(node.lowerName)) {
          if (first?.kind === 'string') actions.add(first.value);
          else dynamic = true;
        }
        if (TRIGGER_READERS.has(node.lowerName)) trigger = true;
        for (const arg of node.args) visitExpression(arg);
        return;
      }
      case 'member':
        visitExpression(node.object);
        return;
      case 'index':
        visitExpression(node.object);
        visitExpression(node.index);
        return;
      default:
        return;
    }
  };
  const visitTemplate = (template: Template): void => {
    if (template.kind === 'expression') visitExpression(template.expression);
    else if (template.kind === 'interpolated') for (const part of template.parts) if (part.kind === 'expression') visitExpression(part.expression);
  };
  const visitString = (text: string): void => {
    if (!text.startsWith('@') && !text.includes('@{')) return;
    try {
      visitTemplate(parseTemplate(text, { syntax: 'wdl' }));
    } catch (error) {
      // A string that does not parse fails when the action runs; it reads nothing until then.
      if (!(error instanceof ExpressionSyntaxError)) throw error;
    }
  };
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const item = stack.pop();
    if (typeof item === 'string') visitString(item);
    else if (Array.isArray(item)) stack.push(...item);
    else if (isRecord(item)) {
      for (const key of Object.keys(item)) {
        visitString(key);
        stack.push(item[key]);
      }
    }
  }
  return { actions, trigger, dynamic };
}

/** What the engine knows about an earlier action (or the trigger) when propagating secure data. */
export interface SecuredProducer {
  readonly type: string;
  readonly secure?: SecureParts;
}

/** How {@link inheritsSecureInputs} looks up earlier results. */
export interface SecuredProducers {
  /** The action named `name`, or the trigger for `null`; undefined when unknown. */
  producer(name: string | null): SecuredProducer | undefined;
  /** Some earlier result of the run is secured (used when a name is computed). */
  readonly anySecured?: boolean;
}

/**
 * True when an action's inputs must be hidden because they read a secured result: outputs of a
 * producer with secured outputs, or visible outputs of one with secured inputs. Compose,
 * ParseJson and Response are the exception: their hidden outputs do not propagate. `producer(null)`
 * is the trigger. A computed action name (`dynamic`) counts as reading a secured result when
 * `anySecured`, so nothing leaks through a name the engine could not see.
 */
export function inheritsSecureInputs(references: OutputReferences, known: SecuredProducers): boolean {
  const { producer, anySecured = false } = known;
  const propagates = (found: SecuredProducer | undefined): boolean =>
    found?.secure !== undefined && !INPUTS_HIDE_OUTPUTS.has(found.type.toLowerCase()) && (found.secure.inputs || found.secure.outputs);
  if (references.trigger && propagates(producer(null))) return true;
  for (const name of references.actions) if (propagates(producer(name))) return true;
  return references.dynamic && anySecured;
}

/** Inline code's `workflowContext` by raw inputs object: the engine asks on every execution. */
const inlineCodeByObject = new WeakMap<object, OutputReferences>();
/** Inline code that sees the whole run: the engine cannot tell which result it reads. */
const WHOLE_RUN: OutputReferences = { actions: new Set(), trigger: true, dynamic: true };

/**
 * What JavaScriptCode reads outside its expressions: the results its `workflowContext` shows —
 * every action and the trigger (as a computed name: any secured result counts), or, with
 * `explicitDependencies`, the listed actions plus those the code names literally. Memoised by
 * the raw inputs object, like {@link outputReferences}.
 */
export function inlineCodeReferences(rawInputs: unknown): OutputReferences {
  if (typeof rawInputs !== 'object' || rawInputs === null) return WHOLE_RUN;
  const known = inlineCodeByObject.get(rawInputs);
  if (known !== undefined) return known;
  const visible = inlineCodeVisibility(rawInputs);
  const found: OutputReferences = visible === undefined ? WHOLE_RUN : { actions: new Set(visible.actions), trigger: visible.trigger, dynamic: false };
  inlineCodeByObject.set(rawInputs, found);
  return found;
}

/**
 * The parts of an action's result run history must hide because the action reads a secured
 * result (undefined when it reads none): its inputs, and its outputs when they carry what it read
 * — Compose, ParseJson and Response hand their inputs on; inline code computes its result from
 * anything its `workflowContext` shows, which its inputs' expressions never name.
 */
export function inheritedSecureParts(action: { readonly type: string; readonly rawInputs: unknown }, known: SecuredProducers): SecureParts | undefined {
  const type = action.type.toLowerCase();
  const inlineCode = type === 'javascriptcode';
  const reads = inheritsSecureInputs(outputReferences(action.rawInputs), known) || (inlineCode && inheritsSecureInputs(inlineCodeReferences(action.rawInputs), known));
  return reads ? { inputs: true, outputs: inlineCode || INPUTS_HIDE_OUTPUTS.has(type) } : undefined;
}
