/** PostgreSQL configuration values: URL and schema checks, and a password-free description for messages. */
import { UserInputError } from '../../core/index.ts';
import { StorageErrorCode } from '../errors.ts';

/** True for `postgres://` and `postgresql://` URLs. */
export function isPostgresUrl(url: string): boolean {
  return /^postgres(ql)?:\/\//i.test(url);
}

/** True for a schema name usable in `search_path` without quoting (lower-case, at most 63 bytes). */
export function isValidSchemaName(name: string): boolean {
  return /^[a-z_][a-z0-9_]{0,62}$/.test(name);
}

/** `host:port/database`, never the user name or password. Throws UserInputError if unparsable. */
export function describePostgresUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch (cause) {
    throw new UserInputError('the PostgreSQL URL is not a valid URL — use postgres://user:password@host:5432/database (percent-encode special characters in the password)', {
      code: StorageErrorCode.InvalidStoreConfig,
      cause,
    });
  }
  const database = safeDecode(parsed.pathname.replace(/^\//, '')) || '(default database)';
  return `${parsed.hostname || 'localhost'}:${parsed.port || '5432'}/${database}`;
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    // A malformed escape only affects how the name is shown; show it as written.
    return text;
  }
}
