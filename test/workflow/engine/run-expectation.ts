/**
 * Matches a `plugboard flow run --json` document against a library case's `expect` and lists
 * every difference with its path, so a failing case says exactly what differs.
 *
 * `expect` is a partial match: only the members it lists are compared (`status`, `error`,
 * `outputs`, `response`, `actions`), and every action it lists must be present. Inside an action
 * entry, `status` must equal, `error` is `null` or a partial object (`{ "code" }` is enough), and
 * `outputs` must deep-equal. `response` compares its listed members. Anywhere a value is
 * deep-compared, an object with `"$partial": true` compares only the members it lists (for Http
 * outputs, whose headers vary).
 */

/** One difference between the expectation and the run document. */
export interface ExpectationMismatch {
  /** Where: `status`, `actions.Loop.status`, `actions.Get.outputs.body.attempt`, … */
  readonly path: string;
  readonly expected: unknown;
  readonly actual: unknown;
}

const TOP_LEVEL = ['status', 'error', 'outputs', 'response', 'actions'];
const ACTION_MEMBERS = ['status', 'outputs', 'error'];

/** The differences between `expect` and the run `document` (empty when it matches). */
export function matchRunDocument(expect: Readonly<Record<string, unknown>>, document: unknown): ExpectationMismatch[] {
  const mismatches: ExpectationMismatch[] = [];
  const actual = isObject(document) ? document : {};
  for (const key of Object.keys(expect)) {
    if (!TOP_LEVEL.includes(key)) {
      mismatches.push({ path: key, expected: `one of ${TOP_LEVEL.join(', ')}`, actual: 'an unknown expect member' });
      continue;
    }
    const wanted = expect[key];
    const got = actual[key];
    if (key === 'status' || key === 'outputs') deepMatch(wanted, got, key, mismatches);
    else if (key === 'error' || key === 'response') partialMatch(wanted, got, key, mismatches);
    else matchActions(wanted, got, mismatches);
  }
  return mismatches;
}

/** One line per mismatch: `actions.Loop.status: expected "Failed", got "Succeeded"`. */
export function describeMismatches(mismatches: readonly ExpectationMismatch[]): string {
  return mismatches.map((m) => `${m.path}: expected ${show(m.expected)}, got ${show(m.actual)}`).join('\n');
}

function matchActions(wanted: unknown, got: unknown, mismatches: ExpectationMismatch[]): void {
  if (!isObject(wanted)) {
    mismatches.push({ path: 'actions', expected: 'an object of action expectations', actual: wanted });
    return;
  }
  const actions = isObject(got) ? got : {};
  for (const [name, entry] of Object.entries(wanted)) {
    const path = `actions.${name}`;
    if (!Object.hasOwn(actions, name)) {
      mismatches.push({ path, expected: 'present', actual: 'absent' });
      continue;
    }
    if (!isObject(entry)) {
      mismatches.push({ path, expected: 'an object { status, outputs?, error? }', actual: entry });
      continue;
    }
    const result = actions[name];
    const resultObject = isObject(result) ? result : {};
    for (const member of Object.keys(entry)) {
      if (!ACTION_MEMBERS.includes(member)) {
        mismatches.push({ path: `${path}.${member}`, expected: `one of ${ACTION_MEMBERS.join(', ')}`, actual: 'an unknown member' });
        continue;
      }
      if (member === 'error') partialMatch(entry[member], resultObject[member], `${path}.error`, mismatches);
      else deepMatch(entry[member], resultObject[member], `${path}.${member}`, mismatches);
    }
  }
}

/** `null` must be null; an object compares only its listed members (each deep). */
function partialMatch(wanted: unknown, got: unknown, path: string, mismatches: ExpectationMismatch[]): void {
  if (!isObject(wanted)) {
    deepMatch(wanted, got, path, mismatches);
    return;
  }
  deepMatch({ ...wanted, $partial: true }, got, path, mismatches);
}

function deepMatch(wanted: unknown, got: unknown, path: string, mismatches: ExpectationMismatch[]): void {
  if (Array.isArray(wanted)) {
    if (!Array.isArray(got) || got.length !== wanted.length) {
      mismatches.push({ path, expected: wanted, actual: got });
      return;
    }
    wanted.forEach((item, index) => deepMatch(item, got[index], `${path}[${index}]`, mismatches));
    return;
  }
  if (isObject(wanted)) {
    if (!isObject(got)) {
      mismatches.push({ path, expected: withoutMarker(wanted), actual: got });
      return;
    }
    const partial = wanted['$partial'] === true;
    const keys = Object.keys(wanted).filter((key) => key !== '$partial');
    if (!partial) {
      const extra = Object.keys(got).filter((key) => !Object.hasOwn(wanted, key));
      if (extra.length > 0) mismatches.push({ path, expected: `only the members ${keys.join(', ') || '(none)'}`, actual: `also ${extra.join(', ')}` });
    }
    for (const key of keys) {
      if (!Object.hasOwn(got, key)) mismatches.push({ path: `${path}.${key}`, expected: withoutMarker(wanted[key]), actual: 'absent' });
      else deepMatch(wanted[key], got[key], `${path}.${key}`, mismatches);
    }
    return;
  }
  if (!Object.is(wanted, got) && !(wanted === 0 && got === 0)) mismatches.push({ path, expected: wanted, actual: got });
}

function withoutMarker(value: unknown): unknown {
  if (!isObject(value)) return value;
  return Object.fromEntries(Object.entries(value).filter(([key]) => key !== '$partial'));
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function show(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 300 ? `${text.slice(0, 299)}…` : text;
}
