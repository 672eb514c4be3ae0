/** dynamichosturl: the backend URL comes from a template, e.g. `https://@connectionParameters('region').api.azureml.ms`. */
import type { PolicyTemplate } from '../policy-template.ts';
import { hostUrlTemplate } from './host-url.ts';

/** The dynamichosturl template. */
export const dynamicHostUrlTemplate: PolicyTemplate = hostUrlTemplate('dynamichosturl');
