/**
 * `{Placeholder}` substitution for OAuth settings (`oauth2generic` templates, `{Scope}`-style
 * scopes, `{CustomHost}` in URLs). Names match case-insensitively, as the published connectors mix
 * `{clientId}` and `{ClientId}`.
 *
 * Values come from, in order: the connection (`token:X`, then `X`), Plugboard's own values
 * (`ClientId`, `RedirectUrl`, `Scopes`), then the connector's `customParameters`. A connection value
 * without `allowedValues` is free text the connection's owner typed; it is recorded as a taint so
 * the resolver can refuse to send the environment's client secret to a URL built from it.
 */
import { UserInputError } from '../../core/index.ts';
import type { ConnectionParameter, OAuthSettings } from '../../connectors/index.ts';
import { OAuthErrorCode } from './errors.ts';

/** Placeholders that stand for per-request protocol values; Plugboard sends those itself. */
const PROTOCOL_PLACEHOLDERS: ReadonlySet<string> = new Set(['state', 'code', 'refreshtoken', 'clientsecret', 'codeverifier', 'accesstoken']);

/** A resolved placeholder value. */
export interface TemplateValue {
  readonly value: string;
  /** The connection parameter the value came from, when it is unconstrained free text. */
  readonly taint?: string;
}

/** The text of a rendered template and the free-text connection parameters it depends on. */
export interface RenderedTemplate {
  readonly text: string;
  readonly taintedBy: readonly string[];
}

/** Values placeholders can take, for one connection. */
export interface TemplateScope {
  /** A copy with more of Plugboard's own values (e.g. `Scopes` once the scopes are known). */
  with(builtins: Readonly<Record<string, string>>): TemplateScope;
  /** The value of `{name}`; undefined when nothing supplies one. */
  lookup(name: string): TemplateValue | undefined;
  /** The connection's value of parameter `name` (`token:name`, then `name`); empty strings count as missing. */
  connectionValue(name: string): { readonly parameter: string; readonly value: string; readonly constrained: boolean } | undefined;
  /** Renders `template`; `where` names it in errors (e.g. "`tokenUrlTemplate` of connector `x`"). */
  render(template: string, where: string): RenderedTemplate;
}

/** Inputs of {@link createTemplateScope}. */
export interface TemplateScopeOptions {
  readonly setting: OAuthSettings;
  /** The connection parameters the connector declares (for `allowedValues`). */
  readonly parameters: readonly ConnectionParameter[];
  readonly values: Readonly<Record<string, string>>;
  readonly builtins: Readonly<Record<string, string>>;
}

/** Looks a key up in a record case-insensitively (exact match first). */
export function lookupInsensitive<T>(record: Readonly<Record<string, T>>, name: string): { readonly key: string; readonly value: T } | undefined {
  if (Object.hasOwn(record, name)) {
    const value = record[name];
    if (value !== undefined) return { key: name, value };
  }
  const lower = name.toLowerCase();
  for (const [key, value] of Object.entries(record)) if (key.toLowerCase() === lower) return { key, value };
  return undefined;
}

/** The string `value` of a `customParameters` entry (`{ "value": … }`), if it is a non-empty string. */
export function customParameter(setting: OAuthSettings, name: string): string | undefined {
  const entry = lookupInsensitive(setting.customParameters, name)?.value;
  if (entry === null || typeof entry !== 'object' || !('value' in entry)) return undefined;
  const { value } = entry;
  return typeof value === 'string' && value.trim() !== '' ? value : undefined;
}

function isRecord(value: unknown): value is Readonly<Record<string, unknown>> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

const PLACEHOLDER = /\{([A-Za-z0-9_.:-]+)\}/g;

/** Creates the placeholder scope of one connection. */
export function createTemplateScope(options: TemplateScopeOptions): TemplateScope {
  const { setting, parameters, values } = options;
  const additional = isRecord(setting.extra?.['additionalParameters']) ? setting.extra['additionalParameters'] : {};
  const declared = new Map(parameters.map((p) => [p.name.toLowerCase(), p]));

  const connectionValue: TemplateScope['connectionValue'] = (name) => {
    for (const candidate of [`token:${name}`, name]) {
      const hit = lookupInsensitive(values, candidate);
      if (hit === undefined || hit.value === '') continue;
      const allowed = declared.get(hit.key.toLowerCase())?.ui?.allowedValues;
      if (allowed === undefined || allowed.length === 0) return { parameter: hit.key, value: hit.value, constrained: false };
      if (!allowed.some((a) => String(a.value) === hit.value)) {
        throw new UserInputError(
          `connection parameter \`${hit.key}\` has a value that is not one of its allowed values — choose one of ${allowed.map((a) => `\`${String(a.value)}\``).join(', ')}`,
          { code: OAuthErrorCode.ParameterInvalid, details: { parameter: hit.key } },
        );
      }
      return { parameter: hit.key, value: hit.value, constrained: true };
    }
    return undefined;
  };

  /** `additionalParameters.X.applicableWhen` (e.g. per-region domains): false turns `{X}` into ''. */
  const applicable = (name: string): boolean => {
    const spec = lookupInsensitive(additional, name)?.value;
    if (!isRecord(spec) || !Array.isArray(spec['applicableWhen'])) return true;
    return spec['applicableWhen'].every((condition: unknown) => {
      if (!isRecord(condition) || typeof condition['parameter'] !== 'string' || !Array.isArray(condition['oneOf'])) {
        throw new UserInputError(
          `OAuth additional parameter \`${name}\` has an \`applicableWhen\` condition Plugboard does not understand (only \`{parameter, oneOf}\` is supported)`,
          { code: OAuthErrorCode.TemplateUnsupported },
        );
      }
      const current = connectionValue(condition['parameter'])?.value ?? null;
      return condition['oneOf'].some((allowed: unknown) => allowed === current);
    });
  };

  const make = (builtins: Readonly<Record<string, string>>): TemplateScope => {
    const lookup = (name: string): TemplateValue | undefined => {
      if (!applicable(name)) return { value: '' };
      const fromConnection = connectionValue(name);
      if (fromConnection !== undefined) return fromConnection.constrained ? { value: fromConnection.value } : { value: fromConnection.value, taint: fromConnection.parameter };
      const builtin = lookupInsensitive(builtins, name);
      if (builtin !== undefined) return { value: builtin.value };
      const custom = customParameter(setting, name);
      if (custom !== undefined) return { value: custom };
      return undefined;
    };
    return {
      with: (more) => make({ ...builtins, ...more }),
      lookup,
      connectionValue,
      render(template, where) {
        const taintedBy = new Set<string>();
        const text = template.replace(PLACEHOLDER, (_match, name: string) => {
          const found = lookup(name);
          if (found !== undefined) {
            if (found.taint !== undefined) taintedBy.add(found.taint);
            return found.value;
          }
          if (PROTOCOL_PLACEHOLDERS.has(name.toLowerCase())) {
            throw new UserInputError(
              `${where} uses \`{${name}}\` where Plugboard cannot put it — Plugboard sends state, code, refresh token and client secret only in their standard OAuth parameters`,
              { code: OAuthErrorCode.TemplateUnsupported },
            );
          }
          throw new UserInputError(
            `${where} needs \`{${name}}\`, which has no value — set the connection parameter \`token:${name}\``,
            { code: OAuthErrorCode.ParameterMissing, details: { placeholder: name } },
          );
        });
        return { text, taintedBy: [...taintedBy] };
      },
    };
  };
  return make(options.builtins);
}

/**
 * Splits a query-string or form-body template (`?a={X}&b=c`) into `[name, value template]` pairs.
 * Literal text is URL-decoded; placeholders are kept for rendering.
 */
export function parseParameterTemplate(template: string): Array<readonly [string, string]> {
  const body = template.startsWith('?') ? template.slice(1) : template;
  const pairs: Array<readonly [string, string]> = [];
  for (const part of body.split('&')) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    const name = safeDecode(eq < 0 ? part : part.slice(0, eq));
    const value = eq < 0 ? '' : safeDecode(part.slice(eq + 1));
    if (name !== '') pairs.push([name, value]);
  }
  return pairs;
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text.replace(/\+/g, ' '));
  } catch {
    // a stray `%` in a published template is literal text, not an encoding
    return text;
  }
}

/**
 * The extra parameters of a query/body template: every pair except the `standard` ones Plugboard
 * sets itself, with placeholders rendered.
 */
export function extraParameters(
  template: string | undefined,
  options: { readonly standard: ReadonlySet<string>; readonly scope: TemplateScope; readonly where: string },
): Readonly<Record<string, string>> {
  if (template === undefined) return {};
  const out: Record<string, string> = {};
  for (const [name, value] of parseParameterTemplate(template)) {
    if (options.standard.has(name.toLowerCase())) continue;
    out[name] = options.scope.render(value, `parameter \`${name}\` of ${options.where}`).text;
  }
  return Object.freeze(out);
}
