/**
 * The `plugboard` command line. Each command lives in `commands/<noun>-<verb>.ts` and returns an
 * exit code; errors a user caused are printed as one clear line, never as a stack trace.
 */
import { Command, InvalidArgumentError } from 'commander';
import { errorMessage, isPlugboardError } from '../core/index.ts';
import { connectionCreate } from './commands/connection-create.ts';
import { connectionDelete } from './commands/connection-delete.ts';
import { connectionList } from './commands/connection-list.ts';
import { connectionShow } from './commands/connection-show.ts';
import { connectorDelete } from './commands/connector-delete.ts';
import { connectorImport } from './commands/connector-import.ts';
import { connectorList } from './commands/connector-list.ts';
import { connectorMockCommand } from './commands/connector-mock.ts';
import { connectorTest } from './commands/connector-test.ts';
import { connectorShow } from './commands/connector-show.ts';
import { connectorValidate } from './commands/connector-validate.ts';
import { envCreate, envList } from './commands/env-list.ts';
import { exprCommand } from './commands/expr.ts';
import { flowRun } from './commands/flow-run.ts';
import { runsList } from './commands/runs-list.ts';
import { runsShow } from './commands/runs-show.ts';
import { runsCancel } from './commands/runs-cancel.ts';
import { runsResubmit } from './commands/runs-resubmit.ts';
import { secretsRotateMasterKey } from './commands/secrets-rotate-master-key.ts';
import { start } from './commands/start.ts';

function collect(value: string, previous: readonly string[]): string[] {
  return [...previous, value];
}

function positiveInteger(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError('expected a whole number');
  return n;
}

/** Builds the command tree; `run` receives each command's exit code. */
export function buildProgram(run: (work: Promise<number>) => void): Command {
  const program = new Command('plugboard').description('Plugboard — connectors and workflows, self-hosted').showHelpAfterError();

  const connector = program.command('connector').description('validate, import and browse connectors');
  connector
    .command('validate')
    .description('load and validate connector folders or definition files (exit 1 when any has errors)')
    .argument('<path...>', 'connector folders or OpenAPI/Postman files')
    .option('--json', 'print one JSON array, one element per path')
    .action((paths: string[], opts: { json?: boolean }) => run(connectorValidate(paths, opts)));
  connector
    .command('import')
    .description('import connectors into an environment (a changed definition becomes a new version)')
    .argument('<path...>', 'connector folders or OpenAPI/Postman files')
    .option('--env <name>', 'environment', 'default')
    .option('--name <name>', 'catalog name (default: folder or file name)')
    .action((paths: string[], opts: { env: string; name?: string }) => run(connectorImport(paths, opts)));
  connector
    .command('list')
    .description('list the connectors of an environment')
    .option('--env <name>', 'environment', 'default')
    .option('--json', 'print JSON')
    .action((opts: { env: string; json?: boolean }) => run(connectorList(opts)));
  connector
    .command('show')
    .description('show a connector')
    .argument('<name>', 'catalog name')
    .option('--env <name>', 'environment', 'default')
    .option('--version <n>', 'a specific version (default: latest)', positiveInteger)
    .option('--operations', 'list its actions and triggers')
    .option('--json', 'print JSON')
    .action((name: string, opts: { env: string; version?: number; operations?: boolean; json?: boolean }) => run(connectorShow(name, opts)));
  connector
    .command('delete')
    .description('delete a connector and all its versions')
    .argument('<name>', 'catalog name')
    .option('--env <name>', 'environment', 'default')
    .action((name: string, opts: { env: string }) => run(connectorDelete(name, opts)));

  connector
    .command('mock')
    .description('serve a mock backend of a connector: every operation, requests checked against the definition, schema-valid answers')
    .argument('<path|name>', 'a connector folder or file, or the catalog name of an imported connector')
    .option('--port <n>', 'TCP port (default: a free one)', positiveInteger)
    .option('--env <name>', 'environment, for a catalog name', 'default')
    .action((target: string, opts: { port?: number; env: string }) =>
      run(
        connectorMockCommand(target, opts.port === undefined ? {} : { port: opts.port }, {
          loadDefinition: (name) => loadDefinition(name, opts.env),
          out: (line) => process.stdout.write(`${line}\n`),
        }),
      ),
    );
  connector
    .command('test')
    .description('invoke every operation of each connector through the full gateway (credentials, policies, egress) against its generated mock backend')
    .argument('<paths...>', 'connector folders or files')
    .option('--mock', 'run against a mock backend generated from the definition (required for now)')
    .option('--json', 'print one JSON array, one element per path')
    .action((paths: string[], opts: { mock?: boolean; json?: boolean }) => run(connectorTest(paths, opts)));

  const connection = program.command('connection').description('create, list, show and delete connections (credentials for a connector)');
  connection
    .command('create')
    .description('create a connection; secret values are encrypted and never shown again')
    .argument('<connector>', 'catalog name of the connector')
    .option('--param <name=value>', 'a connection parameter value (repeatable)', collect, [])
    .option('--param-file <name=path>', 'read a parameter value from a file, e.g. a secret (repeatable)', collect, [])
    .option('--set <name>', 'the connection parameter set, for connectors that have several')
    .option('--display-name <text>', 'name of the connection (default: the connector title)')
    .option('--env <name>', 'environment', 'default')
    .option('--as <principal>', 'act as this principal (default: the `cli` service account, an admin)')
    .option('--json', 'print the connection as JSON')
    .action((connector: string, opts: { param: string[]; paramFile: string[]; set?: string; displayName?: string; env: string; as?: string; json?: boolean }) =>
      run(connectionCreate(connector, opts)),
    );
  connection
    .command('list')
    .description('list connections (all of them when acting as an admin)')
    .option('--env <name>', 'environment', 'default')
    .option('--as <principal>', 'act as this principal')
    .option('--json', 'print JSON')
    .action((opts: { env: string; as?: string; json?: boolean }) => run(connectionList(opts)));
  connection
    .command('show')
    .description('show a connection (secret values are never shown)')
    .argument('<id>', 'connection id')
    .option('--env <name>', 'environment', 'default')
    .option('--as <principal>', 'act as this principal')
    .option('--json', 'print JSON')
    .action((id: string, opts: { env: string; as?: string; json?: boolean }) => run(connectionShow(id, opts)));
  connection
    .command('delete')
    .description('delete a connection')
    .argument('<id>', 'connection id')
    .option('--env <name>', 'environment', 'default')
    .option('--as <principal>', 'act as this principal')
    .action((id: string, opts: { env: string; as?: string }) => run(connectionDelete(id, opts)));

  const secrets = program.command('secrets').description('the master key that encrypts stored secrets');
  secrets
    .command('rotate-master-key')
    .description('add a new master key version, re-wrap every stored secret under it, retire the old one (servers may keep running; run again to resume)')
    .option('--new-key-file <path>', 'the new key (base64 of 32 bytes); default: generated (embedded mode) or the configured key not registered yet')
    .option('--json', 'print the report as JSON')
    .action((opts: { newKeyFile?: string; json?: boolean }) => run(secretsRotateMasterKey(opts)));

  const env = program.command('env').description('environments');
  env.command('list').description('list environments').action(() => run(envList()));
  env
    .command('create')
    .description('create an environment')
    .argument('<name>', 'environment name')
    .option('--display-name <text>', 'display name')
    .action((name: string, opts: { displayName?: string }) => run(envCreate(name, opts)));

  program
    .command('expr')
    .description('evaluate a workflow expression (WDL: "@add(1, 2)", "Hi @{parameters(\'name\')}") and print its JSON value')
    .argument('[expression]', 'a WDL string value: @expr keeps its type, @{…} interpolates, other text is literal')
    .option('--context <file>', 'a JSON file with { parameters, variables, trigger, actions, items, utcNow, … }')
    .option('--jsonl', 'read { "expression", "context" } lines on stdin; write { "value" } or { "error": { "code", "message" } } lines')
    .action((expression: string | undefined, opts: { context?: string; jsonl?: boolean }) => run(exprCommand(expression, opts)));

  const flow = program.command('flow').description('run workflow definitions');
  flow
    .command('run')
    .description('run a workflow definition in-process on the embedded store (exit 0 when the run finished, 1 when the definition is invalid, 2 for usage errors)')
    .argument('[definition]', 'a workflow definition JSON file (bare, Logic Apps or Power Automate export)')
    .option('--trigger <file>', 'the trigger outputs { "headers", "queries", "body" } as JSON')
    .option('--parameters <file>', 'values for the definition parameters as a JSON object')
    .option('--json', 'print one JSON document { runId, status, error, outputs, response, actions }')
    .action((definition: string | undefined, opts: { trigger?: string; parameters?: string; json?: boolean }) => run(flowRun(definition, opts)));

  const runs = program.command('runs').description('run history of flows');
  runs
    .command('list')
    .description('list the newest runs of an environment or of one flow, newest first')
    .option('--flow <name|id>', 'only the runs of this flow (its id or name)')
    .option('--env <name>', 'environment', 'default')
    .option('--top <n>', 'at most this many runs (1–250, default 50)', positiveInteger)
    .option('--json', 'print JSON (the HTTP API run summaries, each with flowName)')
    .action((opts: { flow?: string; env: string; top?: number; json?: boolean }) => run(runsList(opts)));
  runs
    .command('show')
    .description('show a run with a per-action table (status, attempts, loop iterations, duration, error)')
    .argument('<id>', 'run id')
    .option('--json', 'print the run document the HTTP API returns')
    .action((id: string, opts: { json?: boolean }) => run(runsShow(id, opts)));
  runs
    .command('cancel')
    .description('cancel a queued, waiting or running run (it ends Cancelled; a server executing it stops its actions in flight)')
    .argument('<id>', 'run id')
    .option('--json', 'print the cancelled run summary as JSON')
    .action((id: string, opts: { json?: boolean }) => run(runsCancel(id, opts)));
  runs
    .command('resubmit')
    .description("queue a new run of the flow's current version with the same trigger outputs (a running server executes it)")
    .argument('<id>', 'run id')
    .option('--json', 'print { runId, resubmittedFrom }')
    .action((id: string, opts: { json?: boolean }) => run(runsResubmit(id, opts)));

  program
    .command('start')
    .description('run the server (all roles in one process)')
    .option('--port <n>', 'TCP port (default PLUGBOARD_PORT or 8080)', positiveInteger)
    .action((opts: { port?: number }) => run(start(opts)));

  return program;
}

function report(error: unknown): number {
  if (isPlugboardError(error) && error.kind !== 'unexpected') {
    process.stderr.write(`error: ${error.message}\n`);
    return 1;
  }
  process.stderr.write(`internal error: ${errorMessage(error)}\n${error instanceof Error && error.stack !== undefined ? error.stack + '\n' : ''}`);
  return 2;
}

if (import.meta.main) {
  const program = buildProgram((work) => {
    work.then(
      (code) => {
        process.exitCode = code;
      },
      (error: unknown) => {
        process.exitCode = report(error);
      },
    );
  });
  program.parseAsync(process.argv).catch((error: unknown) => {
    process.exitCode = report(error);
  });
}

/** A connector folder/file on disk, else a catalog name in `environment`. */
async function loadDefinition(target: string, environment: string) {
  const { existsSync } = await import('node:fs');
  if (existsSync(target)) {
    const { inspectPath } = await import('../catalog/index.ts');
    const { definition, report } = await inspectPath(target);
    if (definition === undefined || report.errors.length > 0) {
      const { UserInputError } = await import('../core/index.ts');
      throw new UserInputError(`${target} does not load: ${report.errors.map((issue) => issue.message).slice(0, 3).join('; ')} — run \`plugboard connector validate ${target}\``, { code: 'ConnectorInvalid' });
    }
    return definition;
  }
  const { withContext } = await import('./context.ts');
  return withContext(async ({ catalog }) => (await catalog.show(environment, target)).definition);
}
