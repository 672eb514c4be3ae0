/**
 * Which operations run custom code, on real connectors from the corpus: C# script.csx cannot run
 * and names the hook that would replace it; a TypeScript script.ts runs in the sandbox.
 *
 * The shared corpus keeps only the JSON files of each connector folder (see its SOURCE.md), so the
 * C# file is added here in memory under the name it has upstream; the loader only needs its name.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PlugboardError } from '../../src/core/index.ts';
import { loadConnector } from '../../src/connectors/index.ts';
import type { ConnectorDefinition, ConnectorSource } from '../../src/connectors/index.ts';
import { createCustomCodeResolver, customCodeSupport } from '../../src/gateway/script/index.ts';
import { corpusFolder, readFolder } from '../connectors/connector-kit.ts';
import { SCRIPT_FIXTURES, recordingSend, scriptRequest } from './script-kit.ts';

const CSHARP = new TextEncoder().encode('public class Script : ScriptBase { public override Task<HttpResponseMessage> ExecuteAsync() { return Context.SendAsync(Context.Request, CancellationToken); } }');

function withFile(source: ConnectorSource, name: string, bytes: Uint8Array): ConnectorSource {
  if (source.kind !== 'folder') throw new Error('expected a folder');
  return { ...source, files: [...source.files, { name, size: bytes.length, bytes }] };
}

function load(source: ConnectorSource): ConnectorDefinition {
  const { definition, issues } = loadConnector(source);
  assert.ok(definition, `not loaded: ${JSON.stringify(issues.filter((issue) => issue.severity === 'error'))}`);
  return definition;
}

function csharpConnector(relative: string): ConnectorDefinition {
  return load(withFile(corpusFolder(relative), 'script.csx', CSHARP));
}

function unsupportedError(definition: ConnectorDefinition, operationId: string): PlugboardError {
  const support = customCodeSupport(definition, operationId);
  assert.equal(support.kind, 'unsupported', `${operationId} should be unsupported`);
  return support.kind === 'unsupported' ? support.error : assert.fail();
}

describe('C# custom code (script.csx)', () => {
  it('fails an operation listed in scriptOperations with CustomCodeUnsupported, naming the operation and the script.ts hook', () => {
    const beauhurst = csharpConnector('independent-publisher-connectors/Beauhurst');
    assert.deepEqual(beauhurst.scriptOperations, ['CompanyInfoByFID']);
    const error = unsupportedError(beauhurst, 'CompanyInfoByFID');
    assert.equal(error.code, 'CustomCodeUnsupported');
    assert.equal(error.kind, 'user');
    assert.equal(error.retryable, false);
    assert.match(error.message, /operation `CompanyInfoByFID` is handled by C# custom code in `script\.csx`/);
    assert.match(error.message, /add a `script\.ts` to the connector folder with `export default async function \(\{ operationId, request, send \}\) \{ … \}` that handles `CompanyInfoByFID`/);
    assert.deepEqual(error.details, { connector: beauhurst.info.title, file: 'script.csx', operationId: 'CompanyInfoByFID', hook: 'script.ts' });
  });

  it('runs operations not listed in scriptOperations without custom code', () => {
    const beauhurst = csharpConnector('independent-publisher-connectors/Beauhurst');
    assert.deepEqual(customCodeSupport(beauhurst, 'GetCompanyFid'), { kind: 'none' });
    assert.deepEqual(customCodeSupport(beauhurst, 'FundsByFID'), { kind: 'none' });
  });

  it('treats every operation as script-handled when scriptOperations is absent', () => {
    const htmlToText = csharpConnector('custom-connectors/HtmlToText');
    assert.deepEqual(htmlToText.scriptOperations, []);
    assert.match(unsupportedError(htmlToText, 'HtmlToText').message, /`HtmlToText`/);
    const docuSign = csharpConnector('certified-connectors/DocuSign');
    assert.deepEqual(docuSign.scriptOperations, []);
    assert.ok(docuSign.operations.length > 20);
    for (const operation of docuSign.operations) {
      const error = unsupportedError(docuSign, operation.operationId);
      assert.ok(error.message.includes(`\`${operation.operationId}\``), error.message);
    }
  });

  it('splits a connector with many scriptOperations exactly along the list', () => {
    for (const relative of ['certified-connectors/Zellis', 'certified-connectors/Azure Communication Services SMS Events']) {
      const definition = csharpConnector(relative);
      assert.ok(definition.scriptOperations.length > 0, relative);
      for (const operation of definition.operations) {
        const expected = definition.scriptOperations.includes(operation.operationId) ? 'unsupported' : 'none';
        assert.equal(customCodeSupport(definition, operation.operationId).kind, expected, `${relative} ${operation.operationId}`);
      }
    }
  });

  it('names the file as the connector ships it (connector-script.csx, Script.cs)', () => {
    const definition = load(withFile(corpusFolder('independent-publisher-connectors/Beauhurst'), 'Script.cs', CSHARP));
    assert.match(unsupportedError(definition, 'CompanyInfoByFID').message, /C# custom code in `Script\.cs`/);
  });

  it('needs nothing when the connector ships no custom code, even with scriptOperations', () => {
    const plain = load(corpusFolder('independent-publisher-connectors/Beauhurst'));
    assert.deepEqual(plain.scriptOperations, ['CompanyInfoByFID']);
    assert.deepEqual(customCodeSupport(plain, 'CompanyInfoByFID'), { kind: 'none' });
  });

  it('lets a script.ts next to the C# file take over', () => {
    const script = new TextEncoder().encode('export default async ({ request, send }) => send(request);');
    const definition = load(withFile(withFile(corpusFolder('independent-publisher-connectors/Beauhurst'), 'script.csx', CSHARP), 'script.ts', script));
    const support = customCodeSupport(definition, 'CompanyInfoByFID');
    assert.equal(support.kind, 'sandbox');
    assert.equal(support.kind === 'sandbox' ? support.code.file : undefined, 'script.ts');
  });
});

describe('TypeScript custom code (script.ts) through the gateway resolver', () => {
  const echoConnector = () => load(readFolder(`${SCRIPT_FIXTURES}/echo-connector`, 'echo-connector'));

  it('runs the operations listed in scriptOperations in the sandbox, and the others directly', async () => {
    const definition = echoConnector();
    assert.equal(definition.source.customCode?.language, 'typescript');
    const resolve = createCustomCodeResolver({ timeoutMs: 1000 });
    assert.deepEqual(resolve(definition, 'Ping'), { kind: 'none' });
    const hook = resolve(definition, 'Echo');
    assert.equal(hook.kind, 'sandbox');
    if (hook.kind !== 'sandbox') return;
    const send = recordingSend();
    const answer = await hook.run({ operationId: 'Echo', request: scriptRequest({ url: 'https://echo.example.com/echo', body: '{"message":"hi"}' }), send });
    assert.deepEqual(JSON.parse(send.calls[0]?.body ?? ''), { message: 'hi', via: 'script.ts' });
    assert.equal(answer.headers['x-handled-by'], 'Echo');
  });

  it('fails every call of a script that cannot load with the same CustomCodeInvalid', async () => {
    const broken = new TextEncoder().encode('export default async function ({ request }: { request: unknown }) {\n  return { status: 200 ;\n}\n');
    const folder = readFolder(`${SCRIPT_FIXTURES}/echo-connector`, 'echo-connector');
    if (folder.kind !== 'folder') assert.fail();
    const definition = load({ ...folder, files: [...folder.files.filter((file) => file.name !== 'script.ts'), { name: 'script.ts', size: broken.length, bytes: broken }] });
    const hook = createCustomCodeResolver()(definition, 'Echo');
    assert.equal(hook.kind, 'sandbox');
    if (hook.kind !== 'sandbox') return;
    for (let attempt = 0; attempt < 2; attempt++) {
      await assert.rejects(hook.run({ operationId: 'Echo', request: scriptRequest(), send: recordingSend() }), (error: unknown) => {
        assert.ok(error instanceof PlugboardError);
        assert.equal(error.code, 'CustomCodeInvalid');
        assert.match(error.message, /script\.ts line 2/);
        return true;
      });
    }
  });

  it('reports a script file too large to read as CustomCodeInvalid instead of running it', () => {
    const definition = echoConnector();
    const withoutText: ConnectorDefinition = { ...definition, source: { ...definition.source, customCode: { language: 'typescript', file: 'script.ts' } } };
    const support = customCodeSupport(withoutText, 'Echo');
    assert.equal(support.kind, 'unsupported');
    assert.equal(support.kind === 'unsupported' ? support.error.code : undefined, 'CustomCodeInvalid');
  });
});
