import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, it } from 'node:test';
import { checkRefs, parseDocument } from './index.ts';
import type { ParsedDocument } from './index.ts';

/** The published connector corpus, shared next to the repository (never copied into it). */
const corpus = resolve(import.meta.dirname, '../../..', '../shared/corpus/powerplatform-connectors');
const skip = existsSync(corpus) ? false : `the connector corpus is not at ${corpus}`;

function parseCorpusFile(relative: string): ParsedDocument {
  return parseDocument(readFileSync(join(corpus, relative)), { file: relative });
}

/** Every apiDefinition.swagger.json (any case) and apiProperties.json in the corpus. */
function corpusFiles(): string[] {
  const files: string[] = [];
  for (const top of ['certified-connectors', 'independent-publisher-connectors', 'custom-connectors']) {
    for (const connector of readdirSync(join(corpus, top))) {
      for (const name of readdirSync(join(corpus, top, connector))) {
        if (/^apidefinition\.swagger\.json$/i.test(name) || name === 'apiProperties.json') files.push(`${top}/${connector}/${name}`);
      }
    }
  }
  return files.sort();
}

const repaired: Array<{ file: string; warnings: Array<[string, number, number]> }> = [
  { file: 'certified-connectors/AvePoint Cloud Governance/apiDefinition.swagger.json', warnings: [['repaired-bom', 1, 1]] },
  { file: 'certified-connectors/InEight/apiDefinition.swagger.json', warnings: [['repaired-bom', 1, 1]] },
  { file: 'certified-connectors/Microsoft Bookings/apiDefinition.swagger.json', warnings: [['repaired-bom', 1, 1]] },
  { file: 'certified-connectors/Cireson Service Manager Portal/apiDefinition.swagger.json', warnings: [['repaired-trailing-comma', 53, 45]] },
  { file: 'certified-connectors/PUG Gamified Engagement/apiDefinition.swagger.json', warnings: [['repaired-trailing-comma', 733, 6]] },
  { file: 'certified-connectors/Plumsail Documents/apiDefinition.swagger.json', warnings: [['repaired-trailing-comma', 1299, 14]] },
  {
    file: 'certified-connectors/envoy/apiDefinition.swagger.json',
    warnings: [
      [2197, 58],
      [2201, 56],
      [2712, 56],
      [2716, 54],
      [3494, 56],
      [3498, 54],
      [4004, 56],
      [4008, 54],
      [4341, 56],
      [4345, 54],
      [4639, 48],
      [4643, 46],
      [4977, 48],
      [4981, 46],
    ].map(([line, column]): [string, number, number] => ['repaired-trailing-comma', line ?? 0, column ?? 0]),
  },
  { file: 'certified-connectors/IN-D Invoice Data Capture/apiDefinition.swagger.json', warnings: [['repaired-missing-comma', 50, 49]] },
  { file: 'independent-publisher-connectors/XSOAR/apiDefinition.swagger.json', warnings: [['repaired-missing-comma', 9, 44]] },
  { file: 'certified-connectors/SigningHub/apiProperties.json', warnings: [['repaired-missing-comma', 23, 7]] },
  { file: 'certified-connectors/Easyvista_Service._Manager/apiDefinition.swagger.json', warnings: [['repaired-control-character', 3819, 47]] },
  { file: 'independent-publisher-connectors/Yelp/apiDefinition.swagger.json', warnings: [['repaired-encoding', 866, 118]] },
  // Upstream research listed ZohoSign as structurally broken; its only defect is EM SPACE (U+2003)
  // indentation on two lines, which reads unambiguously as whitespace.
  {
    file: 'certified-connectors/ZohoSign/apiDefinition.swagger.json',
    warnings: [
      ['repaired-whitespace', 14, 1],
      ['repaired-whitespace', 14, 2],
      ['repaired-whitespace', 29, 1],
      ['repaired-whitespace', 29, 2],
    ],
  },
];

const broken: Array<{ file: string; line: number; column: number; message: RegExp; warnings?: string[] }> = [
  {
    file: 'certified-connectors/CognitiveServicesTextAnalytics/apiDefinition.swagger.json',
    line: 276,
    column: 6,
    message: /unexpected data after the end of the document: found ',', but the root object already closed at line 276, column 5 .*'}' at line 224, column 11 is indented differently/,
  },
  {
    file: 'independent-publisher-connectors/GIPHY/apiDefinition.swagger.json',
    line: 865,
    column: 1,
    message: /unexpected data after the end of the document: found '"', but the root object already closed at line 864, column 1/,
    warnings: ['repaired-missing-comma'],
  },
  { file: 'certified-connectors/gofileroom/apiProperties.json', line: 91, column: 1, message: /found the end of the file — the object opened at line 1, column 1 is never closed; add the missing '}'/ },
];

describe('the published connector corpus', { skip }, () => {
  for (const { file, warnings } of repaired) {
    it(`repairs ${file} with ${warnings[0]?.[0]}`, () => {
      const result = parseCorpusFile(file);
      assert.equal(result.ok, true);
      assert.equal(typeof result.value, 'object');
      assert.deepEqual(
        result.issues.map((i) => [i.code, i.severity, i.file, i.line, i.column]),
        warnings.map(([code, line, column]) => [code, 'warning', file, line, column]),
      );
    });
  }

  for (const { file, line, column, message, warnings = [] } of broken) {
    it(`refuses ${file} with one located error`, () => {
      const result = parseCorpusFile(file);
      assert.equal(result.ok, false);
      assert.equal(result.value, undefined);
      assert.deepEqual(
        result.issues.map((i) => i.code),
        [...warnings, 'json-syntax'],
      );
      const error = result.issues.at(-1);
      assert.deepEqual([error?.severity, error?.file, error?.line, error?.column], ['error', file, line, column]);
      assert.match(error?.message ?? '', message);
    });
  }

  it('parses all 398 definition and properties files except the 3 known-broken ones, with clean refs', () => {
    const files = corpusFiles();
    assert.equal(files.length, 398);
    const failed: string[] = [];
    const warned = new Set<string>();
    const refIssues: string[] = [];
    for (const file of files) {
      const result = parseCorpusFile(file);
      if (!result.ok) {
        failed.push(file);
        continue;
      }
      if (result.issues.length > 0) warned.add(file);
      for (const issue of checkRefs(result.value, { file })) refIssues.push(`${file}${issue.path}: ${issue.message}`);
    }
    assert.deepEqual(failed, broken.map((b) => b.file).sort());
    assert.deepEqual([...warned].sort(), repaired.map((r) => r.file).sort());
    assert.deepEqual(refIssues, []);
  });
});
