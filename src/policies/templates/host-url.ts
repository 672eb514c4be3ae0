/** What dynamichosturl and dynamicsubdomain share: replace the base URL with an evaluated template. */
import type { PolicyTemplate } from '../policy-template.ts';
import { baseUrlOf, normalizeBaseUrl } from '../url-path.ts';

/**
 * A template that replaces scheme, host and base path of the backend URL with `urlTemplate`
 * (`https://` added when the value has no scheme). The operation path is kept: published
 * connectors write the base path into the template (`https://@connectionParameters('jirainstance').atlassian.net/rest/api/`).
 */
export function hostUrlTemplate(id: string): PolicyTemplate {
  return {
    id,
    sections: ['request'],
    defaultSection: 'request',
    compile({ params }) {
      const url = params.template('urlTemplate', true);
      if (url === undefined || !params.ok) return undefined;
      const fixed = url.template.kind === 'literal' ? baseUrlOf(url.template.value) : undefined;
      if (url.template.kind === 'literal' && fixed === undefined) {
        params.issue({ code: 'policy-parameter-invalid', severity: 'error', parameter: 'urlTemplate', message: `\`urlTemplate\` ${JSON.stringify(url.text)} is not an http(s) URL — write e.g. https://@connectionParameters('host')/api` });
        return undefined;
      }
      return {
        request: (request, run) => {
          request.baseUrl = fixed ?? normalizeBaseUrl(run.text(url), { parameterName: url.name, run });
        },
        describe: (view) => {
          view.baseUrlTemplate = url.text;
        },
      };
    },
  };
}
