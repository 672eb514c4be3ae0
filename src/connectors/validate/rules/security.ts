/** `security` must name schemes of `securityDefinitions`; schemes must be well formed. */
import type { SecurityRequirement } from '../../model/security.ts';
import { definitionIssue } from '../rule.ts';
import type { Rule } from '../rule.ts';
import type { Issue } from '../../../core/index.ts';

/** Checks root and operation `security` against `securityDefinitions`. */
export const checkSecurity: Rule = (context) => {
  const issues: Issue[] = [];
  const { definition } = context;
  const defined = new Set(definition.securityDefinitions.map((scheme) => scheme.name));
  const list = [...defined].map((name) => `\`${name}\``).join(', ') || 'none';
  const check = (requirements: readonly SecurityRequirement[] | undefined, pointer: string): void => {
    (requirements ?? []).forEach((requirement, index) => {
      for (const name of Object.keys(requirement)) {
        if (defined.has(name)) continue;
        issues.push(
          definitionIssue(
            context,
            'security-scheme-undefined',
            'warning',
            `${pointer}/${index}`,
            `\`security\` names scheme \`${name}\`, which \`securityDefinitions\` does not define (defined: ${list}) — define it or remove it from \`security\``,
          ),
        );
      }
    });
  };
  check(definition.security, '/security');
  for (const operation of definition.operations) check(operation.security, `${operation.pointer}/security`);
  for (const scheme of definition.securityDefinitions) {
    if (scheme.type !== 'unknown') continue;
    issues.push(
      definitionIssue(
        context,
        'security-scheme-invalid',
        'warning',
        scheme.pointer,
        `security scheme \`${scheme.name}\` is not a valid apiKey (with \`in\` header/query and \`name\`), basic or oauth2 scheme — fix its \`type\` and fields`,
      ),
    );
  }
  return issues;
};
