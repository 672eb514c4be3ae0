/**
 * Orders loop iteration keys as the engine writes them (`Loop[3]`, nested `Outer[3]/Inner[0]`,
 * `''` outside loops) by iteration number, so `Loop[10]` comes after `Loop[9]`.
 */
const SEGMENT = /^(.*)\[(\d+)\]$/;

/** Negative when `a` comes before `b`, positive after, 0 when equal. */
export function compareIterationKeys(a: string, b: string): number {
  if (a === b) return 0;
  const left = a === '' ? [] : a.split('/');
  const right = b === '' ? [] : b.split('/');
  for (let i = 0; i < Math.min(left.length, right.length); i++) {
    const order = compareSegments(left[i] ?? '', right[i] ?? '');
    if (order !== 0) return order;
  }
  return left.length - right.length;
}

function compareSegments(a: string, b: string): number {
  const left = SEGMENT.exec(a);
  const right = SEGMENT.exec(b);
  // A key the engine did not write (no `[n]`) sorts by its text.
  if (left === null || right === null) return compareCodeUnits(a, b);
  const byName = compareCodeUnits(left[1] ?? '', right[1] ?? '');
  return byName !== 0 ? byName : Number(left[2]) - Number(right[2]);
}

/** UTF-16 code-unit order: locale-independent. */
function compareCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
