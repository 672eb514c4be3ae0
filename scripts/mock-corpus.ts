/**
 * Runs every operation of every corpus connector against its mock backend (the full version of
 * test/gateway/mock-corpus.test.ts, which samples): `node scripts/mock-corpus.ts [--verbose]`.
 * Exit code 1 when an operation fails that is not a documented definition defect.
 */
import { KNOWN_MOCK_DEFECTS, isKnownDefect } from '../test/gateway/mock-defects.ts';
import { corpusSample, loadCorpusDefinition, runConnector } from '../test/gateway/mock-kit.ts';
import type { OperationOutcome } from '../test/gateway/mock-kit.ts';

const verbose = process.argv.includes('--verbose');
const started = performance.now();
const outcomes: OperationOutcome[] = [];
let connectors = 0;
for (const folder of corpusSample()) {
  const definition = loadCorpusDefinition(folder);
  if (definition === undefined) continue;
  connectors += 1;
  outcomes.push(...(await runConnector(folder, definition)));
}
const failed = outcomes.filter((outcome) => outcome.failures.length > 0);
const unexpected = failed.filter((outcome) => !isKnownDefect(outcome));
const seconds = ((performance.now() - started) / 1000).toFixed(1);
console.log(`${connectors} connectors, ${outcomes.length} operations: ${outcomes.length - failed.length} passed, ${failed.length - unexpected.length} known definition defects, ${unexpected.length} unexpected failures (${seconds} s)`);
for (const outcome of verbose ? failed : unexpected) {
  console.log(`- ${outcome.connector} ${outcome.operationId}${isKnownDefect(outcome) ? ' (known defect)' : ''}\n    ${outcome.failures.join('\n    ')}`);
}
if (verbose) console.log(`documented defects: ${Object.keys(KNOWN_MOCK_DEFECTS).length}`);
process.exitCode = unexpected.length > 0 ? 1 : 0;
