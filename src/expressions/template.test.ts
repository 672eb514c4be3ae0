import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ExpressionSyntaxError, evaluate, parseTemplate } from './index.ts';
import type { FunctionTable, Template } from './index.ts';

const functions: FunctionTable = {
  concat: { minArgs: 1, maxArgs: Infinity, call: (args) => args.map(String).join('') },
  body: { minArgs: 0, maxArgs: 0, call: () => ({ name: 'Ada', age: 36, tags: ['a', 'b'], nothing: null, flag: true }) },
  connectionparameters: { minArgs: 1, maxArgs: 2, call: (args) => (args[0] === 'region' ? 'westeurope' : args[1]) },
};

function run(text: string, syntax: 'wdl' | 'policy' = 'wdl'): unknown {
  return evaluate(parseTemplate(text, { syntax }), { functions, identifiers: { Request: { OriginalHTTPMethod: 'PATCH' } } });
}

function syntaxError(parse: () => unknown): ExpressionSyntaxError {
  try {
    parse();
  } catch (error) {
    assert.ok(error instanceof ExpressionSyntaxError, `expected ExpressionSyntaxError, got ${String(error)}`);
    return error;
  }
  assert.fail('expected a syntax error');
}

function kind(template: Template): string {
  return template.kind;
}

describe('parseTemplate (WDL)', () => {
  it('takes text without a leading @ or @{ literally, including e-mail addresses', () => {
    assert.deepEqual(parseTemplate('hello'), { kind: 'literal', value: 'hello' });
    assert.deepEqual(parseTemplate('a@b.com'), { kind: 'literal', value: 'a@b.com' });
    assert.deepEqual(parseTemplate(' @body()'), { kind: 'literal', value: ' @body()' });
    assert.deepEqual(parseTemplate(''), { kind: 'literal', value: '' });
  });

  it('reads a value starting with @@ as a literal starting with @', () => {
    assert.deepEqual(parseTemplate('@@body()'), { kind: 'literal', value: '@body()' });
    assert.deepEqual(parseTemplate('@@{not interpolated}'), { kind: 'literal', value: '@{not interpolated}' });
  });

  it('reads @@{ inside text as a literal @{', () => {
    assert.equal(run('cost: @@{x} and @{concat(1, 2)}'), 'cost: @{x} and 12');
  });

  it('keeps the JSON type of a whole-value expression', () => {
    assert.equal(run('@body().age'), 36);
    assert.deepEqual(run("@body()['tags']"), ['a', 'b']);
    assert.equal(run('@body().flag'), true);
  });

  it('always produces a string from @{…}, even when it is the whole value', () => {
    assert.equal(run('@{body().age}'), '36');
    assert.equal(kind(parseTemplate('@{body().age}')), 'interpolated');
  });

  it('writes objects and arrays as JSON, null as nothing, inside interpolations', () => {
    assert.equal(run('tags=@{body().tags};none=@{body().nothing};flag=@{body().flag}'), 'tags=["a","b"];none=;flag=true');
    assert.equal(run('@{body()}'), '{"name":"Ada","age":36,"tags":["a","b"],"nothing":null,"flag":true}');
  });

  it('concatenates several interpolations with the text around them', () => {
    assert.equal(run("Hi @{body().name}, you are @{body().age} (@{concat('x', 'y')})"), 'Hi Ada, you are 36 (xy)');
  });

  it('does not embed calls written straight into text (that is policy syntax)', () => {
    assert.deepEqual(parseTemplate("Bearer @connectionParameters('k')"), { kind: 'literal', value: "Bearer @connectionParameters('k')" });
  });

  it('requires a value starting with @ to be exactly one expression', () => {
    const error = syntaxError(() => parseTemplate("@connectionParameters('a')/path"));
    assert.match(error.message, /column 27/);
    assert.match(error.expected, /use @\{…\} to mix text/);
  });

  it('names the unclosed interpolation', () => {
    const error = syntaxError(() => parseTemplate('a @{body().name b'));
    assert.match(error.expected, /'\}' to close the @\{…\} that starts at offset 2/);
  });
});

describe('parseTemplate (policy syntax)', () => {
  it('embeds calls written straight into text', () => {
    assert.equal(run("https://@connectionParameters('region').api.azureml.ms", 'policy'), 'https://westeurope.api.azureml.ms');
    assert.equal(run("Bearer @connectionParameters('region')", 'policy'), 'Bearer westeurope');
    assert.equal(run("@connectionParameters('x','a');@connectionParameters('region','')", 'policy'), 'a;westeurope');
  });

  it('reads a value that is one call or path as a whole-value expression', () => {
    assert.equal(kind(parseTemplate("@connectionParameters('region')", { syntax: 'policy' })), 'expression');
    assert.equal(run('@body().age', 'policy'), 36);
    assert.equal(run('@Request.OriginalHTTPMethod', 'policy'), 'PATCH');
    assert.equal(run("@body()['name']", 'policy'), 'Ada');
  });

  it('reads {@expr} substitutions', () => {
    assert.equal(run('{@body().name} is {@body().age}', 'policy'), 'Ada is 36');
    assert.equal(run('[{@body().tags}]', 'policy'), '[["a","b"]]');
  });

  it('keeps e-mail addresses and a lone @ as text', () => {
    assert.deepEqual(parseTemplate('mail me at user@example.com', { syntax: 'policy' }), { kind: 'literal', value: 'mail me at user@example.com' });
    assert.deepEqual(parseTemplate('@example.com is an address', { syntax: 'policy' }), { kind: 'literal', value: '@example.com is an address' });
    assert.deepEqual(parseTemplate('/%40@', { syntax: 'policy' }), { kind: 'literal', value: '/%40@' });
  });

  it('still understands WDL interpolation and the @@ escape', () => {
    assert.equal(run("after=@{body().name}&x=@@{y}", 'policy'), 'after=Ada&x=@{y}');
    assert.equal(run('@@literal', 'policy'), '@literal');
  });

  it('reports an embedded call that is not closed', () => {
    assert.throws(() => parseTemplate("https://@connectionParameters('host'", { syntax: 'policy' }), ExpressionSyntaxError);
    assert.throws(() => parseTemplate('[{@body().x]', { syntax: 'policy' }), ExpressionSyntaxError);
  });

  it('records the source text and form of each embedded part', () => {
    const template = parseTemplate("/v1/@connectionParameters('u')/{@body().id}/@{item()}", { syntax: 'policy' });
    assert.equal(template.kind, 'interpolated');
    if (template.kind !== 'interpolated') return;
    assert.deepEqual(
      template.parts.flatMap((part) => (part.kind === 'expression' ? [[part.form, part.source, part.offset]] : [])),
      [
        ['call', "connectionParameters('u')", 4],
        ['brace', 'body().id', 31],
        ['interpolation', 'item()', 44],
      ],
    );
  });
});
