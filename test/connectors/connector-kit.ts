/** Test helpers: read connector folders and files from disk into the in-memory sources the loader takes. */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import type { ConnectorSource, SourceFile } from '../../src/connectors/index.ts';
import { CORPUS_ROOT } from '../kit/corpus.ts';

/** The published corpus, read from the shared checkout next to the repository (never copied into it). */
export { CORPUS_ROOT };

/** Fixtures of this test suite. */
export const FIXTURES_ROOT = resolve(import.meta.dirname, '../fixtures/connectors');

/** The corpus top-level folders. */
export const CORPUS_GROUPS = ['certified-connectors', 'custom-connectors', 'independent-publisher-connectors'] as const;

function sourceFile(path: string): SourceFile {
  const bytes = new Uint8Array(readFileSync(path));
  return { name: basename(path), size: bytes.length, bytes };
}

/** Reads the files directly inside a folder. */
export function readFolder(path: string, label = path): ConnectorSource {
  const files = readdirSync(path)
    .filter((name) => statSync(join(path, name)).isFile())
    .map((name) => sourceFile(join(path, name)));
  return { kind: 'folder', path: label, files };
}

/** Reads one file as a single-file source. */
export function readSingleFile(path: string): ConnectorSource {
  return { kind: 'file', path, file: sourceFile(path) };
}

/** A corpus connector folder, by `group/name`. */
export function corpusFolder(relative: string): ConnectorSource {
  return readFolder(join(CORPUS_ROOT, relative), relative);
}

/** A fixture folder of test/fixtures/connectors. */
export function fixtureFolder(name: string): ConnectorSource {
  return readFolder(join(FIXTURES_ROOT, name), name);
}

/** Every corpus connector folder as `group/name`, sorted. */
export function corpusFolders(): string[] {
  const out: string[] = [];
  for (const group of CORPUS_GROUPS) {
    for (const name of readdirSync(join(CORPUS_ROOT, group)).sort()) {
      if (statSync(join(CORPUS_ROOT, group, name)).isDirectory()) out.push(`${group}/${name}`);
    }
  }
  return out;
}

/**
 * Reads a corpus folder's definition with plain JSON.parse, independently of the loader (BOM
 * stripped; with `dropTrailingCommas`, a naive regex removes trailing commas for the few
 * published files that have them).
 */
export function strictCorpusDefinition(relative: string, options: { dropTrailingCommas?: boolean } = {}): unknown {
  const dir = join(CORPUS_ROOT, relative);
  const name = readdirSync(dir).find((file) => file.toLowerCase() === 'apidefinition.swagger.json');
  if (name === undefined) throw new Error(`no definition in ${relative}`);
  let text = readFileSync(join(dir, name), 'utf8');
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  if (options.dropTrailingCommas === true) text = text.replace(/,(\s*[}\]])/g, '$1');
  return JSON.parse(text);
}
