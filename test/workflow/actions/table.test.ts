/** Table (Create CSV / HTML table), from the docs' examples. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { run, testContext } from './kit.ts';

const myItemArray = [
  { ID: 0, Product_Name: 'Apples' },
  { ID: 1, Product_Name: 'Oranges' },
];
const myJSONArray = [
  { Description: 'Apples', Product_ID: 1 },
  { Description: 'Oranges', Product_ID: 2 },
];
const withItems = () => testContext({ variables: [{ name: 'myItemArray', type: 'Array', value: myItemArray }, { name: 'myJSONArray', type: 'Array', value: myJSONArray }] });

describe('Table', () => {
  test('CSV with automatic columns (docs example 1)', async () => {
    const outcome = await run({ type: 'Table', inputs: { format: 'CSV', from: "@variables('myItemArray')" } }, withItems());
    assert.equal(outcome.status, 'Succeeded');
    assert.deepEqual(outcome.outputs, { body: 'ID,Product_Name\r\n0,Apples\r\n1,Oranges\r\n' });
  });

  test('HTML with automatic columns (docs example 2)', async () => {
    const outcome = await run({ type: 'Table', inputs: { format: 'HTML', from: "@variables('myItemArray')" } }, withItems());
    assert.deepEqual(outcome.outputs, {
      body: '<table><thead><tr><th>ID</th><th>Product_Name</th></tr></thead><tbody><tr><td>0</td><td>Apples</td></tr><tr><td>1</td><td>Oranges</td></tr></tbody></table>',
    });
  });

  test('HTML with custom headers and values using item() (docs example 3)', async () => {
    const columns = [
      { header: 'Stock_ID', value: '@item().ID' },
      { header: 'Description', value: "@concat('Organic ', item().Product_Name)" },
    ];
    const outcome = await run({ type: 'Table', inputs: { format: 'HTML', from: "@variables('myItemArray')", columns } }, withItems());
    assert.deepEqual(outcome.outputs, {
      body: '<table><thead><tr><th>Stock_ID</th><th>Description</th></tr></thead><tbody><tr><td>0</td><td>Organic Apples</td></tr><tr><td>1</td><td>Organic Oranges</td></tr></tbody></table>',
    });
  });

  test('empty headers give value rows only ("Apples,1" / "Oranges,2")', async () => {
    const columns = [
      { header: '', value: "@item()?['Description']" },
      { header: '', value: "@item()?['Product_ID']" },
    ];
    const outcome = await run({ type: 'Table', inputs: { format: 'CSV', from: "@variables('myJSONArray')", columns } }, withItems());
    assert.deepEqual(outcome.outputs, { body: 'Apples,1\r\nOranges,2\r\n' });
  });

  test('columns with the same header share one column', async () => {
    const columns = [
      { header: 'Name', value: "@item()?['a']" },
      { header: 'Other', value: 'x' },
      { header: 'Name', value: "@item()?['b']" },
    ];
    const outcome = await run({ type: 'Table', inputs: { format: 'CSV', from: [{ a: 'A' }, { b: 'B' }], columns } });
    assert.deepEqual(outcome.outputs, { body: 'Name,Other\r\nA,x\r\nB,x\r\n' });
  });

  test('automatic columns take every property in order of first appearance; missing cells are empty', async () => {
    const outcome = await run({ type: 'Table', inputs: { format: 'CSV', from: [{ a: 1 }, { b: true, a: 2 }] } });
    assert.deepEqual(outcome.outputs, { body: 'a,b\r\n1,\r\n2,True\r\n' });
  });

  test('CSV quotes cells with commas, quotes or line breaks; HTML encodes markup', async () => {
    const from = [{ text: 'a,b "c"\nd', html: '<b>&' }];
    const csvOutcome = await run({ type: 'Table', inputs: { format: 'csv', from } });
    assert.deepEqual(csvOutcome.outputs, { body: 'text,html\r\n"a,b ""c""\nd",<b>&\r\n' });
    const htmlOutcome = await run({ type: 'Table', inputs: { format: 'html', from } });
    assert.match(String((htmlOutcome.outputs as { body: string }).body), /<td>&lt;b&gt;&amp;<\/td>/);
  });

  test('an empty array gives an empty table', async () => {
    assert.deepEqual((await run({ type: 'Table', inputs: { format: 'CSV', from: [] } })).outputs, { body: '' });
    assert.deepEqual((await run({ type: 'Table', inputs: { format: 'HTML', from: [] } })).outputs, { body: '<table><tbody></tbody></table>' });
  });

  test('automatic columns need objects: an array of numbers fails with BadRequest', async () => {
    const outcome = await run({ type: 'Table', inputs: { format: 'CSV', from: [1, 2] } });
    assert.equal(outcome.error?.code, 'BadRequest');
    assert.match(outcome.error?.message ?? '', /add `columns`/);
  });

  test('an unknown format fails with BadRequest', async () => {
    const outcome = await run({ type: 'Table', inputs: { format: 'XLSX', from: [] } });
    assert.equal(outcome.error?.code, 'BadRequest');
  });
});
