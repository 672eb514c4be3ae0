/**
 * Expressions: every evaluated string parses as WDL, calls only documented functions, and names
 * only things that exist — actions in `body('…')`, `outputs('…')`, `actions('…')`, `result('…')`,
 * declared parameters in `parameters('…')`, an enclosing loop in `items('…')` /
 * `iterationIndexes('…')`. Each issue points at the string and says where in it.
 */
import type { Issue } from '../../../core/index.ts';
import { escapePointerToken } from '../../../core/index.ts';
import type { CallExpression, IdentifierExpression, SyntaxPosition } from '../../../expressions/index.ts';
import { WORKFLOW_FUNCTION_NAMES, isRecord } from '../../../expressions/index.ts';
import type { ExpressionSite } from '../expression-sites.ts';
import { expressionsOf, namesIn } from '../expression-sites.ts';
import type { ExpressionIssue, WorkflowAction, WorkflowDefinition } from '../model.ts';
import type { CheckInput } from './check.ts';
import { didYouMean, enclosingActions } from './check.ts';

const KNOWN_FUNCTIONS: ReadonlySet<string> = new Set(WORKFLOW_FUNCTION_NAMES.map((name) => name.toLowerCase()));
/** Functions of other hosts, with what to use instead. */
const OTHER_HOSTS: Readonly<Record<string, string>> = { appsetting: 'appsetting() reads Logic Apps Standard app settings, which Plugboard does not have — use a workflow parameter' };
const ACTION_REFERENCES = new Set(['body', 'outputs', 'actions', 'actionbody', 'actionoutputs', 'result']);
const MAX_EXPRESSION_LENGTH = 8192;

function positionIn(text: string, offset: number): SyntaxPosition {
  const before = text.slice(0, offset);
  const lineStart = before.lastIndexOf('\n') + 1;
  return { offset, line: before.split('\n').length, column: offset - lineStart + 1 };
}

function owner(site: ExpressionSite): string {
  if (site.action !== undefined) return `action \`${site.action.name}\``;
  if (site.trigger !== undefined) return `trigger \`${site.trigger.name}\``;
  return 'the workflow outputs';
}

function issue(site: ExpressionSite, found: { readonly code: string; readonly offset: number; readonly message: string }): ExpressionIssue {
  const { code, offset, message } = found;
  const position = positionIn(site.text, offset);
  return { code, severity: 'error', path: site.pointer, message: `${owner(site)}: ${message} (at line ${position.line}, column ${position.column} of the string)`, position };
}

/** The string being checked, in its definition. */
interface Place {
  readonly definition: WorkflowDefinition;
  readonly site: ExpressionSite;
}

/** A reference by name (first argument a string literal) to something that does not exist. */
function checkReference({ definition, site }: Place, call: CallExpression): ExpressionIssue | undefined {
  const [first] = call.args;
  if (first?.kind !== 'string') return undefined;
  const name = first.value;
  const lower = name.toLowerCase();
  if (ACTION_REFERENCES.has(call.lowerName)) {
    if (definition.actionsByName.has(name) || [...definition.actionsByName.keys()].some((k) => k.toLowerCase() === lower)) return undefined;
    const triggerHint = definition.triggers.some((t) => t.name.toLowerCase() === lower) ? ' (it is the trigger: use triggerBody() / triggerOutputs())' : didYouMean(name, definition.actionsByName.keys());
    return issue(site, { code: 'expression-action-unknown', offset: first.offset, message: `${call.name}('${name}') names an action that does not exist${triggerHint}` });
  }
  if (call.lowerName === 'parameters') {
    const declared = Object.keys(definition.parameters);
    if (declared.some((k) => k.toLowerCase() === lower)) return undefined;
    return issue(site, { code: 'expression-parameter-unknown', offset: first.offset, message: `parameters('${name}') names a parameter the definition does not declare${didYouMean(name, declared)} — declare it under \`parameters\`` });
  }
  if (call.lowerName === 'items' || call.lowerName === 'iterationindexes') {
    const loops = site.action === undefined ? [] : [site.action, ...enclosingActions(definition, site.action)].filter((a) => a.type === 'Foreach' || (call.lowerName === 'iterationindexes' && a.type === 'Until'));
    if (loops.some((loop) => loop.name.toLowerCase() === lower)) return undefined;
    const kind = call.lowerName === 'items' ? 'Foreach' : 'Foreach or Until';
    const available = loops.map((l) => `\`${l.name}\``).join(', ') || 'none';
    return issue(site, { code: 'expression-loop-unknown', offset: first.offset, message: `${call.name}('${name}') must name a ${kind} loop that encloses this expression (enclosing loops: ${available})` });
  }
  return undefined;
}

function checkName(place: Place, node: CallExpression | IdentifierExpression): ExpressionIssue | undefined {
  const { site } = place;
  if (node.kind === 'identifier') {
    return issue(site, { code: 'expression-identifier-unknown', offset: node.offset, message: `\`${node.name}\` is a bare name, but workflow expressions only call functions — write a call such as \`${node.name}()\` or \`parameters('${node.name}')\`` });
  }
  if (!KNOWN_FUNCTIONS.has(node.lowerName)) {
    const hint = OTHER_HOSTS[node.lowerName] ?? `it is not a workflow function${didYouMean(node.name, WORKFLOW_FUNCTION_NAMES)}`;
    return issue(site, { code: 'expression-function-unknown', offset: node.offset, message: `unknown function \`${node.name}\`: ${hint}` });
  }
  return checkReference(place, node);
}

/** The object form of an If condition: `{ "and": [ { "equals": [a, b] } ] }`, keys are function names. */
function checkConditionObject(action: WorkflowAction, issues: Issue[]): void {
  const walk = (value: unknown, pointer: string): void => {
    if (Array.isArray(value)) {
      value.forEach((item, i) => walk(item, `${pointer}/${i}`));
      return;
    }
    if (!isRecord(value)) return;
    const keys = Object.keys(value);
    const [key = ''] = keys;
    const at = `${pointer}/${escapePointerToken(key)}`;
    if (keys.length !== 1) {
      issues.push({ code: 'condition-invalid', severity: 'error', path: pointer, message: `action \`${action.name}\`: each object of a condition must have exactly one function name as its key, such as { "equals": [ "@…", "…" ] }, got ${keys.length} keys` });
    } else if (!KNOWN_FUNCTIONS.has(key.toLowerCase())) {
      issues.push({ code: 'expression-function-unknown', severity: 'error', path: at, message: `action \`${action.name}\`: condition function \`${key}\` is not a workflow function${didYouMean(key, WORKFLOW_FUNCTION_NAMES)}` });
    } else walk(value[key], at);
  };
  walk(action.raw['expression'], `${action.pointer}/expression`);
}

/** Reports expressions that do not parse, unknown functions and names, and references to nothing. */
export function checkExpressions({ definition, sites }: CheckInput): Issue[] {
  const issues: Issue[] = [];
  for (const site of sites) {
    if (site.error !== undefined) {
      const code = site.text.length > MAX_EXPRESSION_LENGTH ? 'expression-too-long' : 'expression-syntax';
      const found: ExpressionIssue = { code, severity: 'error', path: site.pointer, message: `${owner(site)}: ${site.error.message}`, position: site.error.position };
      issues.push(found);
      continue;
    }
    if (site.template === undefined) continue;
    for (const expression of expressionsOf(site.template)) {
      for (const node of namesIn(expression)) {
        const found = checkName({ definition, site }, node);
        if (found !== undefined) issues.push(found);
      }
    }
  }
  for (const action of definition.allActions) {
    if (action.type === 'If' && isRecord(action.raw['expression'])) checkConditionObject(action, issues);
  }
  return issues;
}
