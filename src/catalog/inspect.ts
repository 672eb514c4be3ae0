/** Load + validate one connector path into the report the CLI and API show. */
import { connectorSummary, loadConnector, validateConnector } from '../connectors/index.ts';
import type { ConnectorDefinition, ConnectorSource } from '../connectors/index.ts';
import { errorMessage, isPlugboardError, issuesOf } from '../core/index.ts';
import type { Issue } from '../core/index.ts';
import { readConnectorSource } from './read-source.ts';

/** The outcome of loading and validating one connector, in the shape `connector validate --json` prints. */
export interface ValidationReport {
  readonly path: string;
  /** True when a model was built from the definition, even if validation found errors. */
  readonly loaded: boolean;
  readonly title: string | null;
  /** Actions plus triggers. */
  readonly operations: number;
  readonly triggers: number;
  readonly errors: Issue[];
  readonly warnings: Issue[];
}

/** A report plus the definition it was built from (when one was). */
export interface Inspection {
  readonly report: ValidationReport;
  readonly definition: ConnectorDefinition | undefined;
  readonly issues: Issue[];
}

/** Loads and validates an in-memory source. Never throws for bad input. */
export function inspectSource(source: ConnectorSource): Inspection {
  const { definition, issues: loadIssues } = loadConnector(source);
  const issues = definition === undefined ? loadIssues : [...loadIssues, ...validateConnector(definition)];
  const summary = definition === undefined ? undefined : connectorSummary(definition);
  return {
    definition,
    issues,
    report: {
      path: source.path,
      loaded: definition !== undefined,
      title: summary?.title ?? null,
      operations: summary?.operations ?? 0,
      triggers: summary?.triggers ?? 0,
      errors: issuesOf(issues, 'error'),
      warnings: issuesOf(issues, 'warning'),
    },
  };
}

/** Reads a path from disk, then {@link inspectSource}. A missing path becomes a report with one error. */
export async function inspectPath(path: string): Promise<Inspection> {
  let source: ConnectorSource;
  try {
    source = await readConnectorSource(path);
  } catch (error) {
    if (!isPlugboardError(error)) throw error;
    const issue: Issue = { code: 'path-not-found', severity: 'error', path: '', message: errorMessage(error), file: path };
    return {
      definition: undefined,
      issues: [issue],
      report: { path, loaded: false, title: null, operations: 0, triggers: 0, errors: [issue], warnings: [] },
    };
  }
  return inspectSource(source);
}
