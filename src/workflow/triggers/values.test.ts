/** The helpers the trigger kinds share: members whatever their names, text records, trigger messages. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setOwn, textRecord, triggerMessage } from './values.ts';

test('setOwn and textRecord keep a member named __proto__ as data', () => {
  const out: Record<string, unknown> = {};
  setOwn(out, '__proto__', 'x');
  assert.equal(Object.getPrototypeOf(out), Object.prototype);
  assert.deepEqual(Object.keys(out), ['__proto__']);
  const text = textRecord(JSON.parse('{"__proto__":"p","a":"1","n":2,"o":{}}'));
  assert.deepEqual(Object.entries(text), [['__proto__', 'p'], ['a', '1']]);
  assert.deepEqual(textRecord('not a record'), {});
});

test('triggerMessage names the trigger instead of the action, with the phase after the name', () => {
  assert.equal(triggerMessage("action 'Poll' failed: 503", { trigger: 'Poll' }), "trigger 'Poll' failed: 503");
  assert.equal(triggerMessage('connection refused', { trigger: 'Poll' }), "trigger 'Poll': connection refused");
  assert.equal(triggerMessage("trigger 'Poll': bad input", { trigger: 'Poll' }), "trigger 'Poll': bad input");
  assert.equal(triggerMessage("action 'Hook': input `uri` is required", { trigger: 'Hook', phase: 'subscribe' }), "trigger 'Hook': subscribe: input `uri` is required");
  assert.equal(triggerMessage('connection refused', { trigger: 'Hook', phase: 'unsubscribe' }), "trigger 'Hook': unsubscribe: connection refused");
  // Another action's name is part of the message, not the prefix.
  assert.equal(triggerMessage("action 'Hooks': x", { trigger: 'Hook' }), "trigger 'Hook': action 'Hooks': x");
});
