/**
 * Orders strings by UTF-16 code units. Lists are sorted with this rather than `ORDER BY name`
 * because PostgreSQL sorts by the database collation (often case-insensitive-ish) and SQLite by
 * bytes, and the conformance suite requires one order on both.
 */
export function compareCodeUnits(a: string, b: string): number {
  if (a === b) return 0;
  return a < b ? -1 : 1;
}
