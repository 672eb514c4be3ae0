/** Misspelt or unknown `x-ms-*` keys, and invalid values of the ones the model reads. */
import { diagnoseExtensionKey, isMsExtensionKey } from '../../extensions/known-extensions.ts';
import { readVisibility, VISIBILITY_VALUES } from '../../extensions/visibility.ts';
import { definitionIssue } from '../rule.ts';
import type { Rule } from '../rule.ts';
import type { Issue } from '../../../core/index.ts';

const URL_ENCODINGS = new Set(['single', 'double']);

/** Checks every verbatim `x-ms-*` key (entity extension bags and kept schemas). */
export const checkExtensions: Rule = (context) => {
  const issues: Issue[] = [];
  for (const site of context.extensionSites) {
    if (!isMsExtensionKey(site.key)) continue;
    const path = `${site.pointer}/${site.key.replaceAll('~', '~0').replaceAll('/', '~1')}`;
    const diagnosis = diagnoseExtensionKey(site.key, site.value);
    if (diagnosis.kind === 'misspelt') {
      issues.push(
        definitionIssue(context, 'extension-misspelt', 'warning', path, `\`${site.key}\` is not a known extension and is ignored by the platform; it looks like a misspelling of \`${diagnosis.intended}\` — rename the key to \`${diagnosis.intended}\``),
      );
    } else if (diagnosis.kind === 'unknown') {
      issues.push(definitionIssue(context, 'extension-unknown', 'info', path, `\`${site.key}\` is not a known x-ms extension; it is kept but has no effect — remove it if it is not meant for another tool`));
    } else if (site.key === 'x-ms-visibility' && readVisibility(site.value) === undefined) {
      issues.push(
        definitionIssue(context, 'visibility-invalid', 'warning', path, `\`x-ms-visibility\` is ${JSON.stringify(site.value)} — use one of ${VISIBILITY_VALUES.join(', ')} (or leave it out)`),
      );
    } else if (site.key === 'x-ms-url-encoding' && !(typeof site.value === 'string' && URL_ENCODINGS.has(site.value.toLowerCase()))) {
      issues.push(definitionIssue(context, 'url-encoding-invalid', 'warning', path, `\`x-ms-url-encoding\` is ${JSON.stringify(site.value)} — use "single" or "double"`));
    }
  }
  return issues;
};
