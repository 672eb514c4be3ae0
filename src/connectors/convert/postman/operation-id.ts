/** Operation ids from Postman request names: PascalCase words, made unique within the collection. */

/** `get user by id` → `GetUserById`; empty names fall back to `fallback` (same treatment). */
export function operationIdFromName(name: string, fallback: string): string {
  const id = pascalCase(name);
  if (id !== '') return /^[0-9]/.test(id) ? `Op${id}` : id;
  const fallbackId = pascalCase(fallback);
  return fallbackId === '' ? 'Operation' : /^[0-9]/.test(fallbackId) ? `Op${fallbackId}` : fallbackId;
}

function pascalCase(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .split(/[^A-Za-z0-9]+/)
    .filter((word) => word !== '')
    .map((word) => word.charAt(0).toUpperCase() + word.slice(1))
    .join('');
}

/** Hands out unique ids: the first `GetUser` stays, later ones become `GetUser_1`, `GetUser_2`… (compared case-insensitively). */
export function createOperationIdAllocator(): (base: string) => string {
  const taken = new Set<string>();
  return (base) => {
    let id = base;
    for (let n = 1; taken.has(id.toLowerCase()); n++) id = `${base}_${n}`;
    taken.add(id.toLowerCase());
    return id;
  };
}
