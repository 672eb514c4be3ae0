/**
 * Reading a policy instance's parameters at compile time. Every problem becomes a located issue
 * (pointer into apiProperties.json) instead of an exception, so one bad instance never stops a
 * connector from loading.
 */
import { escapePointerToken } from '../core/index.ts';
import type { Issue, Severity } from '../core/index.ts';
import type { PolicyTemplateInstance } from '../connectors/index.ts';
import { ExpressionSyntaxError, parseTemplate } from '../expressions/index.ts';
import type { Expression, ExpressionLimits, PathSegment, Template } from '../expressions/index.ts';
import { bodyPathOf, subPathOf } from './body-path.ts';
import type { BodyPath } from './body-path.ts';
import type { PolicyLocation } from './errors.ts';
import { POLICY_FUNCTIONS } from './run.ts';
import type { PolicyParameter } from './run.ts';

const PARAMETER_PREFIX = 'x-ms-apimTemplateParameter.';

/** `policy 3 "Set API key" (\`setheader\`)`: how messages name an instance. */
export function policyLabel(instance: PolicyTemplateInstance): string {
  const title = instance.title === undefined || instance.title.trim() === '' ? '' : ` "${instance.title}"`;
  return `policy ${instance.index}${title} (\`${instance.templateIdRaw}\`)`;
}

/** The location of an instance, for runtime errors. */
export function policyLocation(instance: PolicyTemplateInstance): PolicyLocation {
  return { label: policyLabel(instance), pointer: instance.pointer };
}

/** Compile-time options every reader shares. */
export interface ReaderOptions {
  /** The file issues point into (apiProperties.json, as the catalog names it). */
  readonly file?: string;
  readonly limits?: Partial<ExpressionLimits>;
}

/** Reads and checks one instance's parameters, collecting issues. */
export class ParameterReader {
  readonly instance: PolicyTemplateInstance;
  readonly issues: Issue[] = [];
  private readonly options: ReaderOptions;

  constructor(instance: PolicyTemplateInstance, options: ReaderOptions = {}) {
    this.instance = instance;
    this.options = options;
  }

  /** True when no error was reported. */
  get ok(): boolean {
    return !this.issues.some((issue) => issue.severity === 'error');
  }

  /** Reports an issue about the instance, or (with `parameter`) about one parameter of it. */
  issue(found: { readonly code: string; readonly severity: Severity; readonly parameter?: string; readonly message: string }): void {
    const { code, severity, parameter, message } = found;
    const path = parameter === undefined ? this.instance.pointer : `${this.instance.pointer}/parameters/${escapePointerToken(PARAMETER_PREFIX + parameter)}`;
    const issue: Issue = { code, severity, path, message: `${policyLabel(this.instance)}: ${message}` };
    this.issues.push(this.options.file === undefined ? issue : { ...issue, file: this.options.file });
  }

  /** The parameter as written. */
  raw(name: string): unknown {
    return this.instance.parameters[name];
  }

  /** A scalar parameter as text (numbers and booleans as written); reports a missing required one. */
  string(name: string, required: boolean): string | undefined {
    const value = this.raw(name);
    if (typeof value === 'string') return value;
    if (typeof value === 'number' || typeof value === 'boolean') return String(value);
    if (value === undefined || value === null) {
      if (required) this.missing(name);
      return undefined;
    }
    this.issue({ code: 'policy-parameter-invalid', severity: 'error', parameter: name, message: `\`${PARAMETER_PREFIX}${name}\` must be a string, not ${Array.isArray(value) ? 'an array' : typeof value}` });
    return undefined;
  }

  /** A parameter parsed as a policy template, with its function calls checked. */
  template(name: string, required: boolean): PolicyParameter | undefined {
    const text = this.string(name, required);
    if (text === undefined) return undefined;
    const template = this.parse(name, text);
    return template === undefined ? undefined : { name, text, template };
  }

  /** Parses `text` (which belongs to parameter `name`) as a policy template; reports syntax errors and unknown functions. */
  parse(name: string, text: string): Template | undefined {
    let template: Template;
    try {
      template = parseTemplate(text, { syntax: 'policy', limits: this.options.limits });
    } catch (error) {
      if (!(error instanceof ExpressionSyntaxError)) throw error;
      this.issue({ code: 'policy-expression-syntax', severity: 'error', parameter: name, message: `\`${PARAMETER_PREFIX}${name}\` does not parse: ${error.message}` });
      return undefined;
    }
    const before = this.issues.length;
    if (template.kind === 'expression') this.checkCalls(name, template.expression);
    if (template.kind === 'interpolated') for (const part of template.parts) if (part.kind === 'expression') this.checkCalls(name, part.expression);
    return this.issues.length === before ? template : undefined;
  }

  /** A flag (`true`/`false`, also as strings in any case); reports other values. */
  flag(name: string, fallback: boolean): boolean {
    const value = this.raw(name);
    if (value === undefined || value === null || value === '') return fallback;
    if (typeof value === 'boolean') return value;
    if (typeof value === 'string' && /^(true|false)$/i.test(value.trim())) return value.trim().toLowerCase() === 'true';
    this.issue({ code: 'policy-parameter-invalid', severity: 'error', parameter: name, message: `\`${PARAMETER_PREFIX}${name}\` must be "true" or "false"` });
    return fallback;
  }

  /** A path like `@body().items` or `@item().name`. */
  bodyPath(name: string, required: boolean): BodyPath | undefined {
    const parameter = this.template(name, required);
    if (parameter === undefined) return undefined;
    const path = bodyPathOf(parameter.template, parameter.text);
    if (typeof path !== 'string') return path;
    this.issue({ code: 'policy-parameter-invalid', severity: 'error', parameter: name, message: `\`${PARAMETER_PREFIX}${name}\` is ${JSON.stringify(parameter.text)}, but ${path} — write a path such as @body().items or @item().name` });
    return undefined;
  }

  /** A sub-path such as `checklist` or `['@odata.type']`; `"null"` or absent means none. */
  subPath(name: string, required = false): PathSegment[] | undefined {
    const text = this.string(name, required);
    const path = subPathOf(text);
    if (typeof path !== 'string') return path;
    this.issue({ code: 'policy-parameter-invalid', severity: 'error', parameter: name, message: `\`${PARAMETER_PREFIX}${name}\` is not a property path: ${path} — write a name such as \`items\`, \`a.b\` or \`['@odata.type']\`, or "null" for none` });
    return undefined;
  }

  /** Reports a missing required parameter. */
  missing(name: string): void {
    this.issue({ code: 'policy-parameter-missing', severity: 'error', message: `required parameter \`${PARAMETER_PREFIX}${name}\` is missing — add it to \`parameters\`` });
  }

  private checkCalls(parameter: string, node: Expression): void {
    switch (node.kind) {
      case 'call': {
        const known = POLICY_FUNCTIONS[node.lowerName];
        if (known === undefined) {
          this.issue({
            code: 'policy-function-unknown',
            severity: 'error',
            parameter,
            message: `\`${PARAMETER_PREFIX}${parameter}\` calls \`${node.name}\`, which policy templates do not have${suggestFunction(node.lowerName)} — available: connectionParameters, headers, queryParameters, body, item, triggerBody`,
          });
        } else if (node.args.length < known.minArgs || node.args.length > known.maxArgs) {
          const takes = known.minArgs === known.maxArgs ? `${known.minArgs}` : `${known.minArgs} or ${known.maxArgs}`;
          this.issue({ code: 'policy-function-arity', severity: 'error', parameter, message: `\`${PARAMETER_PREFIX}${parameter}\` calls \`${node.name}\` with ${node.args.length} argument(s); it takes ${takes}` });
        }
        for (const arg of node.args) this.checkCalls(parameter, arg);
        return;
      }
      case 'member':
        this.checkCalls(parameter, node.object);
        return;
      case 'index':
        this.checkCalls(parameter, node.object);
        this.checkCalls(parameter, node.index);
        return;
      default:
        return;
    }
  }
}

/** ` (did you mean \`queryParameters\`?)` for a misspelt policy function. */
function suggestFunction(lower: string): string {
  const names: Readonly<Record<string, string>> = {
    connectionparameters: 'connectionParameters',
    headers: 'headers',
    queryparameters: 'queryParameters',
    triggerbody: 'triggerBody',
  };
  for (const [key, name] of Object.entries(names)) {
    if (key.startsWith(lower.slice(0, 5)) && Math.abs(key.length - lower.length) <= 2) return ` (did you mean \`${name}\`?)`;
  }
  return '';
}
