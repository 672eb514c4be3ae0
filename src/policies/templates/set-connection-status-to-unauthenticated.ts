/**
 * setconnectionstatustounauthenticated: not in the repository's schema; from its name and its one
 * use (DeskDirector, `statusCode: 401`): when the backend answers with that status, the connection
 * is flagged as needing a new sign-in (`connectionUnauthenticated` on the response).
 */
import type { PolicyTemplate } from '../policy-template.ts';

/** The setconnectionstatustounauthenticated template. */
export const setConnectionStatusToUnauthenticatedTemplate: PolicyTemplate = {
  id: 'setconnectionstatustounauthenticated',
  sections: ['response'],
  defaultSection: 'response',
  compile({ params }) {
    const text = params.string('statusCode', true);
    if (text === undefined || !params.ok) return undefined;
    const status = Number(text.trim());
    if (!Number.isInteger(status) || status < 100 || status > 599) {
      params.issue({ code: 'policy-parameter-invalid', severity: 'error', parameter: 'statusCode', message: `\`statusCode\` ${JSON.stringify(params.raw('statusCode'))} is not an HTTP status — write e.g. 401` });
      return undefined;
    }
    return {
      response: (response) => {
        if (response.status === status) response.connectionUnauthenticated = true;
      },
    };
  },
};
