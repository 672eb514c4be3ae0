/** Validation: each broken construct yields its issue at the exact JSON pointer, with a message naming the thing and the fix. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { ExpressionIssue } from '../../src/workflow/index.ts';
import { codesAndPaths, inspectWorkflow, onlyIssue, readWorkflowFixture, withActions } from './workflow-kit.ts';

const compose = (inputs: unknown, runAfter: Record<string, unknown> = {}) => ({ type: 'Compose', inputs, runAfter });
const issuesOf = (input: unknown) => inspectWorkflow(input).issues;

describe('valid fixtures', () => {
  for (const file of ['bare-order-intake.json', 'logic-apps-wrapper.json', 'standard-workflow.json', 'power-automate-export.json']) {
    test(`${file} has no issues`, () => {
      assert.deepEqual(codesAndPaths(issuesOf(readWorkflowFixture(file))), []);
    });
  }
});

describe('the fixture with every invalid construct', () => {
  const issues = issuesOf(readWorkflowFixture('invalid-everything.json'));

  test('yields exactly one issue per broken construct, at its pointer', () => {
    assert.deepEqual(codesAndPaths(issues).sort(), [
      'action-name-duplicate /actions/Duplicate_name',
      'action-nesting-too-deep /actions/Level_1/actions/Level_2/actions/Level_3/actions/Level_4/actions/Level_5/actions/Level_6/actions/Level_7/actions/Level_8/actions/Level_9/actions/Too_deep',
      'action-type-unknown /actions/Transform/type',
      'expression-function-unknown /actions/Unknown_function/inputs',
      'expression-syntax /actions/Broken_expression/inputs/greeting',
      'parameter-missing /parameters/apiKey',
      'parameter-type-unknown /parameters/region/type',
      'run-after-cycle /actions/Cycle_A/runAfter',
      'run-after-other-scope /actions/After_inner/runAfter/Inner_step',
      'run-after-status-unknown /actions/Bad_status/runAfter/Initialize_counter/0',
      'run-after-unknown-action /actions/Wait_for_ghost/runAfter/Does_not_exist',
      'trigger-type-unknown /triggers/Every_hour/type',
      'variable-initialize-nested /actions/Loop/actions/Initialize_in_loop',
      'variable-not-initialized /actions/Use_undeclared/inputs',
      'variable-used-before-initialized /actions/Bump_counter_too_early/inputs/name',
    ]);
    assert.ok(issues.every((issue) => issue.severity === 'error'));
  });

  test('an unknown action type suggests the closest and lists the known types', () => {
    const { message } = onlyIssue(issues, 'action-type-unknown');
    assert.match(message, /`Composee`.*did you mean `Compose`\?/);
    for (const type of ['ParseJson', 'AppendToStringVariable', 'Until', 'OpenApiConnectionWebhook', 'JavaScriptCode', 'Expression']) assert.match(message, new RegExp(`\\b${type}\\b`));
  });

  test('an unknown trigger type suggests the closest', () => {
    assert.match(onlyIssue(issues, 'trigger-type-unknown').message, /`Recurrance`.*did you mean `Recurrence`\?/);
  });

  test('a cycle is named step by step', () => {
    assert.match(onlyIssue(issues, 'run-after-cycle').message, /`Cycle_A` runs after `Cycle_B`, `Cycle_B` runs after `Cycle_A`/);
  });

  test('runAfter into another scope names both containers and the fix', () => {
    const { message } = onlyIssue(issues, 'run-after-other-scope');
    assert.match(message, /the top level/);
    assert.match(message, /the `actions` of `Outer_scope`/);
    assert.match(message, /run after `Outer_scope`/);
  });

  test('a duplicate name points at the other use', () => {
    assert.match(onlyIssue(issues, 'action-name-duplicate').message, /already used at \/actions\/Outer_scope\/actions\/Duplicate_name.*global/);
  });

  test('nesting names the chain of control actions', () => {
    assert.match(onlyIssue(issues, 'action-nesting-too-deep').message, /nested inside 9 control actions \(`Level_1` › .* › `Level_9`\); at most 8/);
  });

  test('expression issues carry the position inside the string', () => {
    const syntax = onlyIssue(issues, 'expression-syntax') as ExpressionIssue;
    assert.deepEqual(syntax.position, { offset: 18, line: 1, column: 19 });
    assert.match(syntax.message, /action `Broken_expression`: .*column 19/);
    const unknown = onlyIssue(issues, 'expression-function-unknown') as ExpressionIssue;
    assert.deepEqual(unknown.position, { offset: 8, line: 1, column: 9 });
    assert.match(unknown.message, /unknown function `toUpperCase`.*did you mean `toUpper`\?/);
  });

  test('variables used too early say which action must run first', () => {
    assert.match(onlyIssue(issues, 'variable-used-before-initialized').message, /make `Bump_counter_too_early` run after `Initialize_counter`/);
    assert.match(onlyIssue(issues, 'variable-initialize-nested').message, /inside `Loop`.*top level/);
  });

  test('a parameter is only reported missing when the run\'s values are known', () => {
    const loaded = inspectWorkflow(readWorkflowFixture('invalid-everything.json'), { parameters: { apiKey: 'k' } });
    assert.ok(!loaded.issues.some((issue) => issue.code === 'parameter-missing'));
  });
});

describe('limits', () => {
  test('more than 500 actions, counting nested ones, is one error', () => {
    const inner: Record<string, unknown> = {};
    for (let i = 0; i < 300; i++) inner[`Inner_${i}`] = compose(i);
    const actions: Record<string, unknown> = { Group: { type: 'Scope', actions: inner, runAfter: {} } };
    for (let i = 0; i < 201; i++) actions[`Top_${i}`] = compose(i);
    const issue = onlyIssue(issuesOf(withActions(actions)), 'action-count-exceeded');
    assert.equal(issue.path, '/actions');
    assert.match(issue.message, /502 actions.*at most 500/);
  });

  test('exactly 500 actions and 8 levels of nesting are fine', () => {
    let nested: Record<string, unknown> = { Deepest: compose(1) };
    for (let level = 8; level >= 1; level--) nested = { [`Level_${level}`]: { type: 'Scope', actions: nested, runAfter: {} } };
    const actions: Record<string, unknown> = { ...nested };
    for (let i = 0; i < 491; i++) actions[`Top_${i}`] = compose(i);
    assert.deepEqual(codesAndPaths(issuesOf(withActions(actions))), []);
  });

  test('Switch cases, Foreach concurrency, Until count and timeouts outside their limits', () => {
    const cases: Record<string, unknown> = {};
    for (let i = 0; i < 26; i++) cases[`Case_${i}`] = { case: i, actions: {} };
    const issues = issuesOf(
      withActions({
        Route: { type: 'Switch', expression: '@triggerBody()', cases, runAfter: {} },
        Loop: { type: 'Foreach', foreach: '@createArray(1)', runtimeConfiguration: { concurrency: { repetitions: 60 } }, actions: {}, runAfter: {} },
        Poll: { type: 'Until', expression: '@true', limit: { count: 6000, timeout: '1 hour' }, actions: {}, runAfter: {} },
      }),
    );
    assert.deepEqual(codesAndPaths(issues), [
      'switch-case-count-exceeded /actions/Route/cases',
      'foreach-concurrency-invalid /actions/Loop/runtimeConfiguration/concurrency/repetitions',
      'until-count-invalid /actions/Poll/limit/count',
      'timeout-invalid /actions/Poll/limit/timeout',
    ]);
  });

  test('Terminate and Response are not allowed inside loops', () => {
    const issues = issuesOf(
      withActions({
        Loop: {
          type: 'Foreach',
          foreach: '@createArray(1)',
          actions: { Inner: { type: 'Scope', actions: { Stop: { type: 'Terminate', inputs: { runStatus: 'Cancelled' }, runAfter: {} } }, runAfter: {} }, Reply: { type: 'Response', inputs: { statusCode: 200 }, runAfter: {} } },
          runAfter: {},
        },
      }),
    );
    assert.deepEqual(codesAndPaths(issues), ['terminate-in-loop /actions/Loop/actions/Inner/actions/Stop', 'response-in-loop /actions/Loop/actions/Reply']);
  });

  test('a literal retry policy outside the documented limits is reported; one built by an expression is left to run time', () => {
    const http = (retryPolicy: unknown) => ({ type: 'Http', inputs: { method: 'GET', uri: 'https://example.com', retryPolicy }, runAfter: {} });
    const issues = issuesOf(withActions({ Too_many: http({ type: 'fixed', count: 120, interval: 'PT10S' }), Dynamic: http({ type: 'fixed', count: "@parameters('n')", interval: 'PT10S' }) }, { parameters: { n: { type: 'Int', defaultValue: 3 } } }));
    const issue = onlyIssue(issues, 'retry-policy-invalid');
    assert.equal(issue.path, '/actions/Too_many/inputs/retryPolicy/count');
    assert.match(issue.message, /`Too_many`.*120 is outside 1–90/);
  });
});

describe('types', () => {
  test('a type Plugboard knows but does not run is "not supported", not "unknown"', () => {
    const issue = onlyIssue(issuesOf(withActions({ Transform: { type: 'Xslt', inputs: {}, runAfter: {} } })), 'action-type-unsupported');
    assert.equal(issue.path, '/actions/Transform/type');
  });

  test('a missing type is reported, and a workflow without triggers is a warning', () => {
    const issues = issuesOf({ actions: { A: { inputs: 1 } } });
    assert.deepEqual(codesAndPaths(issues), ['trigger-missing /triggers', 'action-type-missing /actions/A/type']);
    assert.equal(onlyIssue(issues, 'trigger-missing').severity, 'warning');
  });

  test('Power Automate trigger kinds and types in any case are accepted', () => {
    const issues = issuesOf({ triggers: { manual: { type: 'request', kind: 'Button', inputs: {} } }, actions: { A: { type: 'COMPOSE', inputs: 1, runAfter: {} } } });
    assert.deepEqual(codesAndPaths(issues), []);
  });
});

describe('runAfter', () => {
  test('naming the trigger says to use {}', () => {
    const issue = onlyIssue(issuesOf(withActions({ A: compose(1, { manual: ['Succeeded'] }) })), 'run-after-unknown-action');
    assert.match(issue.message, /is the trigger.*use \{\}/);
  });

  test('an empty status list and a malformed entry are errors', () => {
    const issues = issuesOf(withActions({ A: compose(1), B: compose(2, { A: [] }), C: compose(3, { A: 'Succeeded' }) }));
    assert.deepEqual(codesAndPaths(issues), ['run-after-status-missing /actions/B/runAfter/A', 'run-after-invalid /actions/C/runAfter/A']);
  });

  test('an action running after itself is a cycle', () => {
    assert.match(onlyIssue(issuesOf(withActions({ A: compose(1, { A: ['Succeeded'] }) })), 'run-after-cycle').message, /`A` runs after itself/);
  });

  test('a three-action cycle inside a scope is reported once, with its path', () => {
    const issues = issuesOf(withActions({ S: { type: 'Scope', actions: { X: compose(1, { Z: ['Succeeded'] }), Y: compose(2, { X: ['Succeeded'] }), Z: compose(3, { Y: ['Failed'] }) }, runAfter: {} } }));
    const issue = onlyIssue(issues, 'run-after-cycle');
    assert.equal(issue.path, '/actions/S/actions/X/runAfter');
    assert.match(issue.message, /`X` runs after `Z`, `Z` runs after `Y`, `Y` runs after `X`/);
  });

  test('names that differ only in case are duplicates', () => {
    const issue = onlyIssue(issuesOf(withActions({ Compose: compose(1), S: { type: 'Scope', actions: { compose: compose(2) }, runAfter: {} } })), 'action-name-duplicate');
    assert.equal(issue.path, '/actions/S/actions/compose');
    assert.match(issue.message, /differ only in case/);
  });
});

describe('variables', () => {
  const init = (name: string, runAfter: Record<string, unknown> = {}, value: unknown = 0) => ({ type: 'InitializeVariable', inputs: { variables: [{ name, type: 'Integer', value }] }, runAfter });

  test('a use inside a scope is fine when the scope runs after the initialisation, directly or through the chain', () => {
    const issues = issuesOf(
      withActions({
        Init: init('n'),
        Middle: compose(1, { Init: ['Succeeded'] }),
        Work: { type: 'Scope', actions: { Set: { type: 'SetVariable', inputs: { name: 'n', value: "@add(variables('N'), 1)" }, runAfter: {} } }, runAfter: { Middle: ['Failed'] } },
      }),
    );
    assert.deepEqual(codesAndPaths(issues), []);
  });

  test('a use in a parallel branch, a use in its own initial value and a second initialisation are errors', () => {
    const issues = issuesOf(
      withActions({
        Init: init('n'),
        Parallel: { type: 'Scope', actions: { Set: { type: 'SetVariable', inputs: { name: 'n', value: 1 }, runAfter: {} } }, runAfter: {} },
        Self: init('m', {}, "@variables('m')"),
        Again: init('N', { Init: ['Succeeded'] }),
      }),
    );
    assert.deepEqual(codesAndPaths(issues), [
      'variable-duplicate /actions/Again/inputs/variables/0/name',
      'variable-used-before-initialized /actions/Parallel/actions/Set/inputs/name',
      'variable-used-before-initialized /actions/Self/inputs/variables/0/value',
    ]);
    assert.match(onlyIssue(issues, 'variable-duplicate').message, /already initialised by `Init`/);
    assert.match(issues.find((i) => i.path.includes('Self'))?.message ?? '', /its own initial value/);
  });

  test('an InitializeVariable with several variables declares each; its entries are checked at their own index', () => {
    const several = {
      type: 'InitializeVariable',
      inputs: {
        variables: [
          { name: 'count', type: 'Integer', value: 0 },
          { name: 'label', type: 'String' },
          { name: 'broken', type: 'Number' },
          { type: 'String' },
          { name: 'COUNT', type: 'Integer' },
        ],
      },
      runAfter: {},
    };
    const issues = issuesOf(
      withActions({
        Init: several,
        Use: { type: 'SetVariable', inputs: { name: 'label', value: "@{variables('count')}" }, runAfter: { Init: ['Succeeded'] } },
        Bump: { type: 'IncrementVariable', inputs: { name: 'broken' }, runAfter: { Use: ['Succeeded'] } },
      }),
    );
    assert.deepEqual(codesAndPaths(issues), [
      'variable-type-unknown /actions/Init/inputs/variables/2/type',
      'variable-initialize-invalid /actions/Init/inputs/variables/3/name',
      'variable-duplicate /actions/Init/inputs/variables/4/name',
    ]);
    assert.match(onlyIssue(issues, 'variable-duplicate').message, /`COUNT` is already initialised by `Init` \(earlier in the same list\)/);
  });

  test('an empty variables list is an error', () => {
    const issues = issuesOf(withActions({ Init: { type: 'InitializeVariable', inputs: { variables: [] }, runAfter: {} } }));
    assert.deepEqual(codesAndPaths(issues), ['variable-initialize-invalid /actions/Init/inputs/variables']);
  });

  test('SetVariable without a value and an unknown variable type are errors', () => {
    const issues = issuesOf(withActions({ Init: { type: 'InitializeVariable', inputs: { variables: [{ name: 'x', type: 'Number' }] }, runAfter: {} }, Set: { type: 'SetVariable', inputs: { name: 'x' }, runAfter: { Init: ['Succeeded'] } } }));
    assert.deepEqual(codesAndPaths(issues), ['variable-type-unknown /actions/Init/inputs/variables/0/type', 'variable-value-missing /actions/Set/inputs']);
  });
});

describe('expressions', () => {
  test('references to missing actions, parameters and loops are errors at the string', () => {
    const issues = issuesOf(
      withActions({
        A: compose({ a: "@body('Missing')", b: "@parameters('nope')", c: "@items('Loop')", d: "@outputs('manual')" }),
        Loop: { type: 'Foreach', foreach: '@createArray(1)', actions: { Inside: compose("@{items('Loop')}-@{iterationIndexes('Loop')}") }, runAfter: {} },
      }),
    );
    assert.deepEqual(codesAndPaths(issues), [
      'expression-action-unknown /actions/A/inputs/a',
      'expression-parameter-unknown /actions/A/inputs/b',
      'expression-loop-unknown /actions/A/inputs/c',
      'expression-action-unknown /actions/A/inputs/d',
    ]);
    assert.match(issues[3]?.message ?? '', /it is the trigger: use triggerBody\(\)/);
  });

  test('bare names, appsetting() and too-long expressions are reported', () => {
    const issues = issuesOf(withActions({ A: compose({ a: '@Request.Method', b: "@appsetting('x')", c: `@concat('${'x'.repeat(9000)}')` }) }));
    assert.deepEqual(codesAndPaths(issues), ['expression-identifier-unknown /actions/A/inputs/a', 'expression-function-unknown /actions/A/inputs/b', 'expression-too-long /actions/A/inputs/c']);
    assert.match(issues[1]?.message ?? '', /Logic Apps Standard/);
  });

  test('function names are case-insensitive, and strings without @ or with @@ are literal', () => {
    const issues = issuesOf(withActions({ A: compose({ a: "@TOUPPER('x')", b: 'mail me at a@b.com', c: '@@notAnExpression(', d: "@{encodeURIComponent('a b')}" }) }));
    assert.deepEqual(codesAndPaths(issues), []);
  });

  test('the object form of an If condition must use workflow function names', () => {
    const issues = issuesOf(withActions({ Check: { type: 'If', expression: { and: [{ equal: ['@triggerBody()', 1] }] }, actions: {}, runAfter: {} } }));
    const issue = onlyIssue(issues, 'expression-function-unknown');
    assert.equal(issue.path, '/actions/Check/expression/and/0/equal');
    assert.match(issue.message, /did you mean `equals`\?/);
  });

  test('designer metadata is not evaluated, trigger conditions are', () => {
    const issues = issuesOf({
      triggers: { manual: { type: 'Request', inputs: {}, conditions: [{ expression: '@equals(triggerBody()?[\'ok\'], true' }] } },
      actions: { A: { type: 'Compose', inputs: 1, runAfter: {}, metadata: { note: '@{not an expression' }, description: '@(' } },
    });
    assert.deepEqual(codesAndPaths(issues), ['expression-syntax /triggers/manual/conditions/0/expression']);
  });
});

describe('parameters and connections', () => {
  test('defaults and supplied values must match the declared type and allowedValues', () => {
    const definition = withActions({}, { parameters: { size: { type: 'Int', defaultValue: 'big' }, mode: { type: 'String', allowedValues: ['fast', 'safe'], defaultValue: 'fast' }, key: { type: 'SecureString' } } });
    const { issues } = inspectWorkflow(definition, { parameters: { mode: 'slow', key: 42 } });
    assert.deepEqual(codesAndPaths(issues), ['parameter-value-type /parameters/size/defaultValue', 'parameter-value-not-allowed /parameters/mode', 'parameter-value-type /parameters/key']);
    assert.ok(!issues.some((issue) => issue.message.includes('42')), 'a secure value never appears in a message');
  });

  test('an OpenApiConnection naming a connection reference that is not there is reported', () => {
    const input = readWorkflowFixture('power-automate-export.json') as { properties: { connectionReferences: Record<string, unknown> } };
    delete input.properties.connectionReferences['shared_office365'];
    const issue = onlyIssue(issuesOf(input), 'connection-reference-missing');
    assert.equal(issue.path, '/properties/definition/actions/Apply_to_each/actions/Has_owner_email/actions/Send_an_email_(V2)/inputs/host/connectionName');
    assert.match(issue.message, /`shared_office365`.*`shared_sharepointonline`/);
  });
});
