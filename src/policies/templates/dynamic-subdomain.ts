/**
 * dynamicsubdomain: not in the repository's schema; its one published use (AlisQI,
 * `https://@connectionParameters('subdomain').alisqi.com/api/`) works exactly like dynamichosturl.
 */
import type { PolicyTemplate } from '../policy-template.ts';
import { hostUrlTemplate } from './host-url.ts';

/** The dynamicsubdomain template. */
export const dynamicSubdomainTemplate: PolicyTemplate = hostUrlTemplate('dynamicsubdomain');
