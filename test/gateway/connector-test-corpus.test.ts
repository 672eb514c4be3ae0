/**
 * The bar: `connector test --mock` passes every operation of every corpus connector that
 * ships no C# code — through the whole gateway (generated credentials, policies, the guarded
 * egress client, response handling) against each connector's generated mock backend. The only
 * failures allowed are definition defects, listed here with the reason; the test fails when
 * another operation fails and when a listed one starts passing.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { inspectPath } from '../../src/catalog/index.ts';
import { createMockTestParts, testConnector } from '../../src/gateway/index.ts';
import { CORPUS_ROOT } from '../kit/corpus.ts';

const BROKEN_PROPERTIES = 'apiProperties.json is unclosed JSON, so the connection has no api_key parameter and cannot send the API key the definition requires';

/** `group/folder#operationId` → the definition defect that makes it fail. */
const DEFECTS: Readonly<Record<string, RegExp>> = {
  // Pixela's routerequesttoendpoint policy 3 has no operation list, so it rewrites every operation
  // and reads @queryParameters('graphID'), which these operations do not have.
  'independent-publisher-connectors/Pixela#UserDelete': /PolicyValueMissing.*graphID/,
  'independent-publisher-connectors/Pixela#UserPost': /PolicyValueMissing.*graphID/,
  'independent-publisher-connectors/Pixela#TokenPut': /PolicyValueMissing.*graphID/,
  'independent-publisher-connectors/Pixela#ProfilePut': /PolicyValueMissing.*graphID/,
  'independent-publisher-connectors/Pixela#GraphsGet': /PolicyValueMissing.*graphID/,
  'independent-publisher-connectors/Pixela#GraphPost': /PolicyValueMissing.*graphID/,
  // Misspelt function `@queryParamters(` in the policy's newPath.
  'independent-publisher-connectors/Pixela#PixelsGet': /PolicyInvalid.*queryParamters/,
  // The policy uses @connectionParameters('graphID'), which is not a connection parameter.
  'independent-publisher-connectors/Pixela#PixelDecrementPut': /PolicyConnectionParameterMissing.*graphID/,
  // A required header parameter named `Type Card`: a space cannot be in a header name.
  'certified-connectors/iObeya#CreateCard': /EgressRequestInvalid.*type card/,
};
const DEFECTIVE_CONNECTORS: Readonly<Record<string, string>> = { 'certified-connectors/gofileroom': BROKEN_PROPERTIES };

test('connector test --mock passes every operation of every corpus connector without C# code, except documented definition defects', { timeout: 300_000 }, async () => {
  const parts = createMockTestParts();
  const unexpected: string[] = [];
  const fixed: string[] = [];
  let connectors = 0;
  let operations = 0;
  let passed = 0;
  try {
    for (const group of ['certified-connectors', 'independent-publisher-connectors', 'custom-connectors']) {
      for (const name of readdirSync(join(CORPUS_ROOT, group)).sort()) {
        const folder = `${group}/${name}`;
        const { definition } = await inspectPath(join(CORPUS_ROOT, group, name));
        if (definition === undefined || definition.source.customCode?.language === 'csharp') continue;
        connectors++;
        const report = await testConnector(definition, parts);
        for (const operation of report.operations) {
          operations++;
          const key = `${folder}#${operation.operationId}`;
          const expected = DEFECTS[key];
          const connectorDefect = DEFECTIVE_CONNECTORS[folder];
          if (operation.ok) {
            passed++;
            if (expected !== undefined) fixed.push(key);
          } else if (expected === undefined && connectorDefect === undefined) {
            unexpected.push(`${key}: ${operation.error ?? ''}`.slice(0, 400));
          } else if (expected !== undefined && !expected.test(operation.error ?? '')) {
            unexpected.push(`${key} failed for another reason than its defect: ${operation.error ?? ''}`.slice(0, 400));
          }
        }
      }
    }
  } finally {
    await parts.close();
  }
  assert.deepEqual(unexpected, [], `${unexpected.length} operations failed`);
  assert.deepEqual(fixed, [], 'these listed defects pass now — remove them from DEFECTS');
  assert.ok(connectors >= 190, `corpus connectors tested: ${connectors}`);
  assert.ok(passed >= 4500, `operations passed: ${passed} of ${operations}`);
});
