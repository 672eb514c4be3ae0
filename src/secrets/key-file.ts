/** Reading and (in embedded mode) writing master key files, always with mode 0600. */
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { PlugboardError, errorMessage } from '../core/index.ts';
import { SecretsErrorCode } from './errors.ts';
import { generateMasterKey, keyFileText, parseKeyFileText } from './key-material.ts';

/** Reads and parses a key file (oldest key first). */
export function readKeyFile(file: string, options: { readonly requirePrivate: boolean }): Uint8Array[] {
  let text: string;
  try {
    if (options.requirePrivate) checkPrivate(file);
    text = readFileSync(file, 'utf8');
  } catch (cause) {
    if (cause instanceof PlugboardError) throw cause;
    throw unusable(`cannot read the master key file ${file}: ${errorMessage(cause)} — check the path and its permissions`, cause);
  }
  return parseKeyFileText(text, file);
}

/**
 * The embedded key file: read it, or create it with one new key (mode 0600, exclusive create so
 * two processes starting at once cannot both write a different key).
 */
export function ensureKeyFile(file: string): Uint8Array[] {
  try {
    mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
    writeFileSync(file, keyFileText([generateMasterKey()]), { flag: 'wx', mode: 0o600 });
  } catch (cause) {
    if (!isAlreadyExists(cause)) throw unusable(`cannot create the master key file ${file}: ${errorMessage(cause)} — make its directory writable`, cause);
  }
  return readKeyFile(file, { requirePrivate: true });
}

/** Replaces the key file's keys atomically (write a temporary file, then rename), keeping mode 0600. */
export function writeKeyFile(file: string, keys: readonly Uint8Array[]): void {
  const temporary = `${file}.${randomBytes(6).toString('hex')}.tmp`;
  try {
    writeFileSync(temporary, keyFileText(keys), { flag: 'wx', mode: 0o600 });
    chmodSync(temporary, 0o600);
    renameSync(temporary, file);
  } catch (cause) {
    rmSync(temporary, { force: true });
    throw unusable(`cannot rewrite the master key file ${file}: ${errorMessage(cause)} — make it and its directory writable`, cause);
  }
}

/** A key file others can read is refused: it holds the key to every stored credential. */
function checkPrivate(file: string): void {
  if (process.platform === 'win32') return;
  const mode = statSync(file).mode & 0o777;
  if ((mode & 0o077) !== 0) {
    throw unusable(`the master key file ${file} is readable by other users (mode ${mode.toString(8)}) — run \`chmod 600 ${file}\``);
  }
}

function isAlreadyExists(error: unknown): boolean {
  return typeof error === 'object' && error !== null && 'code' in error && error.code === 'EEXIST';
}

function unusable(message: string, cause?: unknown): PlugboardError {
  return new PlugboardError(message, { code: SecretsErrorCode.MasterKeyFileUnusable, kind: 'operational', cause });
}
