/**
 * Errors a policy raises while a call runs. Each names the policy (index, title, template and
 * JSON pointer into apiProperties.json) and never a connection value.
 */
import { PlugboardError } from '../core/index.ts';
import type { ErrorKind } from '../core/index.ts';

/** Stable codes of this area. */
export const POLICY_ERROR_CODES = {
  /** The instance did not compile (its issues say why); operations it targets cannot run. */
  invalid: 'PolicyInvalid',
  /** `@connectionParameters('x')` without a default, and the connection has no value for `x`. */
  connectionParameterMissing: 'PolicyConnectionParameterMissing',
  /** `@headers('x')` / `@queryParameters('x')` without a default, and the request has no such value. */
  valueMissing: 'PolicyValueMissing',
  /** A policy produced something unusable (an invalid URL, a path placeholder without a value…). */
  result: 'PolicyResult',
  /** The auxiliary call of setvaluefromurl failed or its response lacks the value. */
  auxiliaryCall: 'PolicyAuxiliaryCallFailed',
} as const;

/** Where in the definition a failing policy is. */
export interface PolicyLocation {
  /** e.g. `policy 3 "Set API key" (\`setheader\`)`. */
  readonly label: string;
  /** JSON pointer of the instance, e.g. `/policyTemplateInstances/3`. */
  readonly pointer: string;
}

/** A policy failed while a call ran. */
export class PolicyError extends PlugboardError {
  constructor(message: string, options: { code: string; kind?: ErrorKind; retryable?: boolean; location: PolicyLocation; details?: Record<string, unknown>; cause?: unknown }) {
    super(`${options.location.label} at ${options.location.pointer}: ${message}`, {
      code: options.code,
      kind: options.kind ?? 'user',
      retryable: options.retryable ?? false,
      details: { pointer: options.location.pointer, ...options.details },
      cause: options.cause,
    });
    this.name = 'PolicyError';
  }
}
