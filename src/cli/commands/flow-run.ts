/**
 * `plugboard flow run <definition.json> [--trigger trigger.json] [--parameters params.json] [--json]`:
 * runs a workflow definition in-process on the embedded store and prints a per-action table, or
 * one JSON document with `--json`. Exit 0 when the run finished (whatever its status), 1 when the
 * definition is invalid (issues printed), 2 for usage errors (missing or unreadable files).
 */
import { readFile } from 'node:fs/promises';
import { basename, extname } from 'node:path';
import { errorMessage, formatIssue, systemClock } from '../../core/index.ts';
import { isRecord } from '../../expressions/index.ts';
import { loadWorkflowDefinition, runWorkflow, validateWorkflowDefinition } from '../../workflow/index.ts';
import type { HttpPort, RunResult } from '../../workflow/index.ts';
import { createConfiguredEgress } from '../../server/index.ts';
import type { ResolvedConfig } from '../../server/index.ts';
import { withContext } from '../context.ts';
import { printJson, printTable } from '../output.ts';

/** Options of the command. */
export interface FlowRunOptions {
  readonly trigger?: string;
  readonly parameters?: string;
  readonly json?: boolean;
}

/** A usage problem: reported on stderr with exit code 2. */
class UsageProblem {
  readonly message: string;
  constructor(message: string) {
    this.message = message;
  }
}

/** Runs the command; returns the process exit code. */
export async function flowRun(definitionPath: string | undefined, options: FlowRunOptions): Promise<number> {
  let inputs: { definition: unknown; trigger: unknown; parameters: Record<string, unknown> | undefined };
  try {
    if (definitionPath === undefined) throw new UsageProblem('give the workflow definition file, e.g. plugboard flow run workflow.json');
    const definition = await readJson(definitionPath, 'the definition file');
    const trigger = options.trigger === undefined ? { headers: {}, queries: {}, body: null } : await readJson(options.trigger, 'the --trigger file');
    const parameters = options.parameters === undefined ? undefined : await readJson(options.parameters, 'the --parameters file');
    if (parameters !== undefined && !isRecord(parameters)) throw new UsageProblem(`the --parameters file ${options.parameters} must hold a JSON object of parameter values ({ "name": value })`);
    inputs = { definition, trigger, parameters };
  } catch (error) {
    if (!(error instanceof UsageProblem)) throw error;
    process.stderr.write(`error: ${error.message}\n`);
    return 2;
  }

  const loaded = loadWorkflowDefinition(inputs.definition, inputs.parameters === undefined ? {} : { parameters: inputs.parameters });
  const issues = loaded.definition === undefined
    ? loaded.issues
    : [...loaded.issues, ...validateWorkflowDefinition(loaded.definition, { parameters: loaded.parameters, connectionReferences: loaded.connectionReferences })];
  const errors = issues.filter((issue) => issue.severity === 'error');
  if (loaded.definition === undefined || errors.length > 0) {
    process.stderr.write(`error: ${definitionPath} is not a valid workflow definition (${errors.length} error${errors.length === 1 ? '' : 's'}):\n`);
    for (const issue of errors) process.stderr.write(`    ${formatIssue(issue)}\n`);
    return 1;
  }

  const flowName = basename(definitionPath, extname(definitionPath));
  const result = await withContext(({ store, config }) =>
    withEgress(config, (http) => runWorkflow({ store, loaded, triggerOutputs: inputs.trigger, clock: systemClock, flow: { name: flowName }, http })),
  );
  if (options.json === true) printJson(jsonDocument(result));
  else printRun(result);
  return 0;
}

/**
 * Http actions go through the same guarded egress client as the server (PLUGBOARD_EGRESS_ALLOW and
 * the other egress settings apply), closed after the run.
 */
async function withEgress<T>(config: ResolvedConfig, work: (http: HttpPort) => Promise<T>): Promise<T> {
  const egress = createConfiguredEgress(config);
  try {
    return await work((request) => egress.send(request));
  } finally {
    await egress.close();
  }
}

/** The `--json` document: exactly the documented members. */
function jsonDocument(result: RunResult): unknown {
  return {
    runId: result.runId,
    status: result.status,
    error: result.error === null ? null : { code: result.error.code, message: result.error.message },
    outputs: result.outputs,
    response: result.response === null ? null : { statusCode: result.response.statusCode, headers: result.response.headers, body: result.response.body },
    actions: Object.fromEntries(
      Object.entries(result.actions).map(([name, action]) => [
        name,
        { status: action.status, outputs: action.outputs ?? null, error: action.error === null ? null : { code: action.error.code, message: action.error.message } },
      ]),
    ),
  };
}

function printRun(result: RunResult): void {
  process.stdout.write(`run ${result.runId}: ${result.status}${result.error === null ? '' : ` — ${result.error.code}: ${result.error.message}`}\n\n`);
  printTable(
    ['ACTION', 'STATUS', 'ERROR'],
    Object.entries(result.actions).map(([name, action]) => [name, action.status, action.error === null ? '' : `${action.error.code}: ${oneLine(action.error.message)}`]),
  );
  if (result.response !== null) process.stdout.write(`\nresponse ${result.response.statusCode}: ${oneLine(JSON.stringify(result.response.body) ?? '')}\n`);
}

function oneLine(text: string): string {
  const flat = text.replace(/\s+/g, ' ');
  return flat.length > 120 ? `${flat.slice(0, 119)}…` : flat;
}

async function readJson(path: string, what: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new UsageProblem(`cannot read ${what} ${path}: ${errorMessage(error)}`);
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new UsageProblem(`${what} ${path} is not JSON: ${errorMessage(error)}`);
  }
}
