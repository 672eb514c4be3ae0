/**
 * Table ("Create CSV table" / "Create HTML table"). Columns are automatic (the property names of
 * the items, in order of first appearance) or explicit (`columns: [{ header, value }]`, `value`
 * evaluated per item with `item()`). Decisions where the docs are thin: rows end with CRLF (the
 * docs' troubleshooting replaces `\r\n`); a header row is written only when some header is
 * non-empty (the docs' empty-header example shows only value rows); explicit columns with the same
 * non-empty header share one column (the later non-empty value wins); CSV cells with `,`, `"` or a
 * line break are quoted (RFC 4180); HTML cells are HTML-encoded.
 */
import { isRecord } from '../../../expressions/index.ts';
import type { ActionContext, ActionExecutor, ActionInput } from '../contract.ts';
import { ActionError, ActionErrorCode, badInput } from '../errors.ts';
import { atItem, describe, evaluateMember, fromItems, inputsRecord, memberOf } from '../inputs.ts';
import { DEFAULT_ACTION_LIMITS } from '../limits.ts';
import { withPathPrefix } from '../value-evaluator.ts';
import { wdlText } from '../wdl-text.ts';

type Format = 'CSV' | 'HTML';

/** `Table` — `{ format: CSV | HTML, from, columns? }` → `outputs.body` (text). */
export const tableExecutor: ActionExecutor = {
  type: 'table',
  async execute(action, context) {
    const raw = inputsRecord(action, { value: action.inputs, expected: '`format`, `from` and optional `columns`' });
    const limits = context.limits ?? DEFAULT_ACTION_LIMITS;
    const format = formatOf(action, evaluateMember(context, { record: raw, name: 'format' }));
    const from = fromItems(action, { value: evaluateMember(context, { record: raw, name: 'from' }), limit: limits.maxDataOperationItems });
    const columns = memberOf(raw, 'columns');
    const grid = columns === undefined || columns === null ? automaticGrid(action, from) : explicitGrid(action, { context, from, columns });
    const body = format === 'CSV' ? csv(grid) : html(grid);
    return { status: 'Succeeded', inputs: { format, from, ...(columns === undefined ? {} : { columns }) }, outputs: { body } };
  },
};

interface Grid {
  readonly headers: readonly string[];
  readonly rows: readonly (readonly string[])[];
}

function formatOf(action: ActionInput, value: unknown): Format {
  if (typeof value === 'string') {
    const upper = value.trim().toUpperCase();
    if (upper === 'CSV' || upper === 'HTML') return upper;
  }
  throw badInput({ action: action.name, input: 'format' }, `must be "CSV" or "HTML" (got ${typeof value === 'string' ? `'${value}'` : describe(value)})`);
}

function automaticGrid(action: ActionInput, from: readonly unknown[]): Grid {
  const headers: string[] = [];
  const seen = new Set<string>();
  from.forEach((item, index) => {
    if (!isRecord(item)) {
      throw new ActionError(`action '${action.name}': item ${index} of \`from\` is ${describe(item)}; automatic columns need objects — add \`columns\` with a header and a value such as "@item()" for each column`, {
        code: ActionErrorCode.BadRequest,
        details: { action: action.name, input: 'from', item: index },
      });
    }
    for (const key of Object.keys(item)) {
      if (!seen.has(key)) {
        seen.add(key);
        headers.push(key);
      }
    }
  });
  const rows = from.map((item) => headers.map((header) => (isRecord(item) && Object.hasOwn(item, header) ? wdlText(item[header]) : '')));
  return { headers, rows };
}

function explicitGrid(action: ActionInput, table: { readonly context: ActionContext; readonly from: readonly unknown[]; readonly columns: unknown }): Grid {
  const { context, from, columns } = table;
  if (!Array.isArray(columns) || columns.length === 0) throw badInput({ action: action.name, input: 'columns' }, 'must be a non-empty array of { "header", "value" } — or leave it out for automatic columns');
  // Column index in the output for each definition: equal non-empty headers share one column.
  const headers: string[] = [];
  const target: number[] = [];
  const byHeader = new Map<string, number>();
  columns.forEach((column, index) => {
    if (!isRecord(column)) throw badInput({ action: action.name, input: `columns[${index}]` }, `must be an object { "header", "value" } (got ${describe(column)})`);
    let header: unknown;
    try {
      header = context.evaluate(memberOf(column, 'header') ?? '');
    } catch (error) {
      throw withPathPrefix(error, ['columns', index, 'header']);
    }
    const text = wdlText(header);
    const shared = text === '' ? undefined : byHeader.get(text);
    if (shared !== undefined) {
      target.push(shared);
      return;
    }
    target.push(headers.length);
    if (text !== '') byHeader.set(text, headers.length);
    headers.push(text);
  });
  const rows = from.map((item, row) => {
    const cells = headers.map(() => '');
    columns.forEach((column, index) => {
      const value = isRecord(column) ? memberOf(column, 'value') : undefined;
      let cell: unknown;
      try {
        cell = context.evaluate(value ?? null, { item });
      } catch (error) {
        throw atItem(withPathPrefix(error, [index, 'value']), { input: 'columns', index: row });
      }
      const text = wdlText(cell);
      const at = target[index] ?? index;
      if (text !== '' || cells[at] === '') cells[at] = text;
    });
    return cells;
  });
  return { headers, rows };
}

function csv(grid: Grid): string {
  const lines: string[] = [];
  if (grid.headers.some((header) => header !== '')) lines.push(grid.headers.map(csvCell).join(','));
  for (const row of grid.rows) lines.push(row.map(csvCell).join(','));
  return lines.map((line) => `${line}\r\n`).join('');
}

function csvCell(text: string): string {
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

function html(grid: Grid): string {
  const head = grid.headers.some((header) => header !== '') ? `<thead><tr>${grid.headers.map((h) => `<th>${htmlText(h)}</th>`).join('')}</tr></thead>` : '';
  const body = grid.rows.map((row) => `<tr>${row.map((cell) => `<td>${htmlText(cell)}</td>`).join('')}</tr>`).join('');
  return `<table>${head}<tbody>${body}</tbody></table>`;
}

function htmlText(text: string): string {
  return text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;').replaceAll("'", '&#39;');
}
