/**
 * `plugboard connector test <path…> --mock [--json]`: starts each connector's mock backend on
 * loopback, makes a throwaway connection with generated credentials, sends its egress to the mock
 * and invokes every operation with generated arguments through the full gateway path.
 */
import { inspectPath } from '../../catalog/index.ts';
import { UserInputError } from '../../core/index.ts';
import { createMockTestParts, testConnector } from '../../gateway/index.ts';
import type { OperationTestResult } from '../../gateway/index.ts';
import { printJson, startProgress } from '../output.ts';

/** Options of the command. */
export interface ConnectorTestOptions {
  readonly mock?: boolean;
  readonly json?: boolean;
}

/** One path's outcome, as `--json` prints it. */
export interface ConnectorTestPathReport {
  readonly path: string;
  readonly ok: boolean;
  /** Why the path could not be tested at all (it does not load), else null. */
  readonly error?: string;
  readonly operations: readonly OperationTestResult[];
}

/** Runs the command; exit 0 iff every operation of every path passed. */
export async function connectorTest(paths: readonly string[], options: ConnectorTestOptions): Promise<number> {
  if (options.mock !== true) {
    throw new UserInputError('connector test needs --mock for now: it runs every operation against a generated mock backend (live backends are not supported yet)', { code: 'ConnectorTestModeMissing' });
  }
  const parts = createMockTestParts();
  const reports: ConnectorTestPathReport[] = [];
  const progress = startProgress(paths.length);
  try {
    for (const path of paths) {
      progress.tick(path);
      const { definition, report } = await inspectPath(path);
      if (definition === undefined || report.errors.length > 0) {
        const first = report.errors[0];
        reports.push({ path, ok: false, error: first === undefined ? 'the connector did not load' : `${first.code}: ${first.message}`, operations: [] });
        continue;
      }
      const result = await testConnector(definition, parts);
      reports.push({ path, ok: result.ok, operations: result.operations });
    }
  } finally {
    progress.stop();
    await parts.close();
  }
  if (options.json === true) {
    printJson(reports.map((report) => ({ path: report.path, ok: report.ok, ...(report.error === undefined ? {} : { error: report.error }), operations: report.operations })));
  } else {
    for (const report of reports) {
      const passed = report.operations.filter((operation) => operation.ok).length;
      const mark = report.ok ? '✔' : '✖';
      process.stdout.write(`${mark} ${report.path}: ${report.error ?? `${passed} of ${report.operations.length} operations passed`}\n`);
      for (const operation of report.operations) {
        if (!operation.ok) process.stdout.write(`    ✖ ${operation.operationId}${operation.status === null ? '' : ` (${operation.status})`}: ${operation.error ?? ''}\n`);
      }
    }
    if (reports.length > 1) process.stdout.write(`${reports.filter((report) => report.ok).length} of ${reports.length} connectors passed\n`);
  }
  return reports.every((report) => report.ok) ? 0 : 1;
}
