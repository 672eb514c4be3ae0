/**
 * Connector actions name a connection reference that exists: Power Automate's
 * `OpenApiConnection*` (`inputs.host.connectionName`) and Standard's `ApiConnection`
 * (`inputs.host.connection.referenceName`). Checked only when the references are given.
 */
import type { Issue } from '../../../core/index.ts';
import { isRecord } from '../../../expressions/index.ts';
import type { CheckInput } from './check.ts';
import { didYouMean, error, nameList } from './check.ts';

function referenceOf(inputs: unknown): { readonly name: string; readonly member: string } | undefined {
  const host = isRecord(inputs) ? inputs['host'] : undefined;
  if (!isRecord(host)) return undefined;
  if (typeof host['connectionName'] === 'string') return { name: host['connectionName'], member: 'host/connectionName' };
  const connection = host['connection'];
  if (isRecord(connection) && typeof connection['referenceName'] === 'string') return { name: connection['referenceName'], member: 'host/connection/referenceName' };
  return undefined;
}

/** Reports connector actions and triggers whose connection reference is missing. */
export function checkConnections({ definition, options }: CheckInput): Issue[] {
  const references = options.connectionReferences;
  if (references === undefined) return [];
  const issues: Issue[] = [];
  const known = Object.keys(references);
  for (const node of [...definition.triggers, ...definition.allActions]) {
    const reference = referenceOf(node.inputs);
    if (reference === undefined || reference.name.includes('@') || Object.hasOwn(references, reference.name)) continue;
    issues.push(error('connection-reference-missing', `${node.pointer}/inputs/${reference.member}`, `\`${node.name}\` uses connection \`${reference.name}\`, which is not among the connection references (${nameList(known)})${didYouMean(reference.name, known)} — add it to connectionReferences`));
  }
  return issues;
}
