/**
 * `@connectionParameters('x')` in policies must name a connection parameter (from
 * `connectionParameters` or any `connectionParameterSets` value); connection parameter types must
 * be known.
 */
import type { ConnectionParameter } from '../../model/connection.ts';
import { isRecord } from '../../model/json.ts';
import { propertiesIssue } from '../rule.ts';
import type { Rule, RuleContext } from '../rule.ts';
import type { Issue } from '../../../core/index.ts';

const REFERENCE = /@connectionParameters\(\s*'([^']*)'/gi;

/** Every string inside a value, with the pointer suffix where it sits. */
function strings(value: unknown, pointer: string, out: { pointer: string; text: string }[]): void {
  if (typeof value === 'string') out.push({ pointer, text: value });
  else if (Array.isArray(value)) value.forEach((item, index) => strings(item, `${pointer}/${index}`, out));
  else if (isRecord(value)) for (const [key, item] of Object.entries(value)) strings(item, `${pointer}/${key.replaceAll('~', '~0').replaceAll('/', '~1')}`, out);
}

function allParameters(context: RuleContext): ConnectionParameter[] {
  const { connection } = context.definition;
  return [...connection.parameters, ...(connection.parameterSets?.values.flatMap((value) => value.parameters) ?? [])];
}

/** Checks policy references to connection parameters and the parameter types. */
export const checkConnectionReferences: Rule = (context) => {
  const issues: Issue[] = [];
  const parameters = allParameters(context);
  const names = new Set(parameters.map((parameter) => parameter.name));
  const byLower = new Map(parameters.map((parameter) => [parameter.name.toLowerCase(), parameter.name]));
  for (const policy of context.definition.policies) {
    const found: { pointer: string; text: string }[] = [];
    strings(policy.rawParameters, `${policy.pointer}/parameters`, found);
    for (const { pointer, text } of found) {
      for (const match of text.matchAll(REFERENCE)) {
        const name = match[1] ?? '';
        if (names.has(name)) continue;
        const sameLetters = byLower.get(name.toLowerCase());
        if (sameLetters !== undefined) {
          issues.push(
            propertiesIssue(context, 'connection-parameter-case', 'warning', pointer, `policy \`${policy.templateIdRaw}\` refers to connection parameter \`${name}\`, which is defined as \`${sameLetters}\` — write \`@connectionParameters('${sameLetters}')\``),
          );
          continue;
        }
        const defined = [...names].map((known) => `\`${known}\``).join(', ') || 'none';
        issues.push(
          propertiesIssue(
            context,
            'connection-parameter-undefined',
            'error',
            pointer,
            `policy \`${policy.templateIdRaw}\` uses \`@connectionParameters('${name}')\`, but no connection parameter \`${name}\` is defined (defined: ${defined}) — add it to \`connectionParameters\` or fix the name`,
          ),
        );
      }
    }
  }
  for (const parameter of parameters) {
    if (parameter.type === 'unknown') {
      issues.push(
        propertiesIssue(
          context,
          'connection-parameter-type-unknown',
          'warning',
          `${parameter.pointer}/type`,
          `connection parameter \`${parameter.name}\` has type ${JSON.stringify(parameter.rawType ?? null)} — use one of string, securestring, oauthSetting, gatewaySetting, int, bool`,
        ),
      );
    } else if (parameter.rawType !== undefined) {
      issues.push(propertiesIssue(context, 'connection-parameter-type-case', 'info', `${parameter.pointer}/type`, `connection parameter \`${parameter.name}\` has type \`${parameter.rawType}\` — write \`${parameter.type}\``));
    }
    if (parameter.type === 'oauthSetting' && parameter.oauth === undefined) {
      issues.push(propertiesIssue(context, 'oauth-settings-missing', 'error', parameter.pointer, `connection parameter \`${parameter.name}\` is an oauthSetting without \`oAuthSettings\` — add {"identityProvider": …, "clientId": …, "scopes": […]}`));
    }
  }
  return issues;
};
