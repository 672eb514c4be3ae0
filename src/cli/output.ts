/** Console output helpers for the CLI: JSON, tables, issue lists, progress. */
import { SingleBar, Presets } from 'cli-progress';
import { formatIssue } from '../core/index.ts';
import type { Issue } from '../core/index.ts';

/** Prints a value as pretty JSON on stdout. */
export function printJson(value: unknown): void {
  process.stdout.write(JSON.stringify(value, null, 2) + '\n');
}

/** Prints rows as an aligned text table. */
export function printTable(headers: readonly string[], rows: ReadonlyArray<readonly string[]>): void {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) => cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ').trimEnd();
  process.stdout.write(line(headers) + '\n');
  for (const row of rows) process.stdout.write(line(row) + '\n');
}

/** Prints up to `limit` issues, indented, with a count of the rest. */
export function printIssues(issues: readonly Issue[], limit: number): void {
  for (const issue of issues.slice(0, limit)) process.stdout.write(`    ${formatIssue(issue)}\n`);
  if (issues.length > limit) process.stdout.write(`    … and ${issues.length - limit} more (use --json to see all)\n`);
}

/** A progress bar on stderr, shown only for many items on an interactive terminal. */
export interface Progress {
  tick(label: string): void;
  stop(): void;
}

/** Starts a {@link Progress} for `total` items. */
export function startProgress(total: number): Progress {
  if (total < 5 || process.stderr.isTTY !== true) return { tick: () => undefined, stop: () => undefined };
  const bar = new SingleBar({ format: ' {bar} {value}/{total} {label}', stream: process.stderr, clearOnComplete: true, hideCursor: true }, Presets.shades_classic);
  bar.start(total, 0, { label: '' });
  return {
    tick: (label) => bar.increment(1, { label: label.length > 50 ? '…' + label.slice(-49) : label }),
    stop: () => bar.stop(),
  };
}
