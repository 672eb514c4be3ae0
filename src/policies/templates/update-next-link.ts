/**
 * updatenextlink: rewrites the next-page link in a response (`nextLinkPropertyName`, a top-level
 * property name such as `@odata.nextLink`, not an expression) so that following it comes back
 * through the gateway; the gateway supplies the rewrite (`PolicyContext.rewriteNextLink`).
 */
import { isRecord } from '../../expressions/index.ts';
import type { PolicyTemplate } from '../policy-template.ts';

/** The updatenextlink template. */
export const updateNextLinkTemplate: PolicyTemplate = {
  id: 'updatenextlink',
  sections: ['response'],
  defaultSection: 'response',
  compile({ params }) {
    const name = params.string('nextLinkPropertyName', true)?.trim();
    if (name === undefined || !params.ok) return undefined;
    if (name === '') {
      params.issue({ code: 'policy-parameter-invalid', severity: 'error', parameter: 'nextLinkPropertyName', message: '`nextLinkPropertyName` is empty — name the response property that holds the next page URL' });
      return undefined;
    }
    return {
      touchesBody: true,
      response: (response, run) => {
        const link = isRecord(response.body) ? response.body[name] : undefined;
        if (typeof link !== 'string' || link === '' || run.context === undefined || !isRecord(response.body)) return;
        response.body[name] = run.context.rewriteNextLink(link);
      },
    };
  },
};
