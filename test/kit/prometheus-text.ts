/**
 * A strict reader of the Prometheus text format (0.0.4) for tests: it throws on any line a
 * Prometheus server would refuse, and unescapes label values and help text, so a test can check
 * that what `/metrics` prints reads back as what was recorded.
 */

/** One sample line read back. */
export interface ParsedSample {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

/** A whole exposition read back. */
export interface ParsedExposition {
  readonly help: ReadonlyMap<string, string>;
  readonly types: ReadonlyMap<string, string>;
  readonly samples: readonly ParsedSample[];
}

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*/;
const LABEL = /^[a-zA-Z_][a-zA-Z0-9_]*/;

function unescapeHelp(text: string): string {
  return text.replace(/\\(\\|n)/g, (_, c: string) => (c === 'n' ? '\n' : '\\'));
}

function parseValue(text: string, line: string): number {
  if (text === '+Inf') return Number.POSITIVE_INFINITY;
  if (text === '-Inf') return Number.NEGATIVE_INFINITY;
  if (text === 'NaN') return Number.NaN;
  if (!/^-?\d+(\.\d+)?([eE][-+]?\d+)?$/.test(text)) throw new Error(`bad sample value "${text}" in: ${line}`);
  return Number(text);
}

/** Reads `text`; throws on the first malformed line. */
export function parsePrometheusText(text: string): ParsedExposition {
  const help = new Map<string, string>();
  const types = new Map<string, string>();
  const samples: ParsedSample[] = [];
  if (text !== '' && !text.endsWith('\n')) throw new Error('the exposition must end with a line feed');
  for (const line of text.split('\n')) {
    if (line === '') continue;
    const comment = /^# (HELP|TYPE) ([a-zA-Z_:][a-zA-Z0-9_:]*) (.*)$/.exec(line);
    if (comment !== null) {
      const [, kind, name = '', rest = ''] = comment;
      if (kind === 'HELP') help.set(name, unescapeHelp(rest));
      else if (['counter', 'gauge', 'histogram', 'summary', 'untyped'].includes(rest)) types.set(name, rest);
      else throw new Error(`bad TYPE in: ${line}`);
      continue;
    }
    if (line.startsWith('#')) continue;
    const name = NAME.exec(line)?.[0];
    if (name === undefined) throw new Error(`bad metric name in: ${line}`);
    let rest = line.slice(name.length);
    const labels: Record<string, string> = {};
    if (rest.startsWith('{')) {
      rest = rest.slice(1);
      while (!rest.startsWith('}')) {
        const label = LABEL.exec(rest)?.[0];
        if (label === undefined || rest[label.length] !== '=' || rest[label.length + 1] !== '"') throw new Error(`bad label in: ${line}`);
        rest = rest.slice(label.length + 2);
        let value = '';
        for (;;) {
          const c = rest[0];
          if (c === undefined) throw new Error(`unterminated label value in: ${line}`);
          rest = rest.slice(1);
          if (c === '"') break;
          if (c === '\\') {
            const next = rest[0];
            rest = rest.slice(1);
            if (next === 'n') value += '\n';
            else if (next === '\\' || next === '"') value += next;
            else throw new Error(`bad escape \\${next ?? ''} in: ${line}`);
          } else if (c === '\n') {
            throw new Error(`raw line feed in a label value: ${line}`);
          } else value += c;
        }
        if (label in labels) throw new Error(`label ${label} twice in: ${line}`);
        labels[label] = value;
        if (rest.startsWith(',')) rest = rest.slice(1);
        else if (!rest.startsWith('}')) throw new Error(`expected , or } in: ${line}`);
      }
      rest = rest.slice(1);
    }
    if (!rest.startsWith(' ')) throw new Error(`expected a space before the value in: ${line}`);
    const parts = rest.slice(1).split(' ');
    if (parts.length > 2 || parts[0] === undefined) throw new Error(`bad value in: ${line}`);
    samples.push({ name, labels, value: parseValue(parts[0], line) });
  }
  return { help, types, samples };
}

/** The value of the one sample named `name` whose labels include `labels`; undefined when none. */
export function sampleValue(exposition: ParsedExposition, name: string, labels: Readonly<Record<string, string>> = {}): number | undefined {
  const found = exposition.samples.filter((sample) => sample.name === name && Object.entries(labels).every(([key, value]) => sample.labels[key] === value));
  if (found.length > 1) throw new Error(`${found.length} samples of ${name} match ${JSON.stringify(labels)} — give more labels`);
  return found[0]?.value;
}
