import { Composer, Parser } from 'yaml';
import type { Issue } from '../../core/index.ts';
import { errorMessage } from '../../core/index.ts';
import type { ParseLimits } from './limits.ts';
import { parseFailure, parsedValue } from './parsed-document.ts';
import type { ParsedDocument } from './parsed-document.ts';
import type { SourceText } from './source-text.ts';
import { checkYamlTree, findTooDeepCst } from './yaml-limits.ts';

/**
 * Parses one YAML document with the `yaml` package, in stages so every limit is enforced before
 * the stage it protects: lex/parse (iterative) → depth check on the syntax tree → compose
 * (recursive, hence the check before it) → alias/depth/string/duplicate-key walk → conversion to
 * plain values with `maxAliasCount` as a second guard. Merge keys (`<<`) are honoured; their
 * aliases count against the alias budget like any other.
 */
export function parseYamlDocument(source: SourceText, limits: Readonly<ParseLimits>): ParsedDocument {
  const error = (offset: number, code: string, message: string, warnings: readonly Issue[] = []): ParsedDocument =>
    parseFailure(source.issueAt(offset, { code, severity: 'error', message }), warnings);

  const tokens = Array.from(new Parser().parse(source.text));
  const deepAt = findTooDeepCst(tokens, limits.maxDepth);
  if (deepAt !== undefined) {
    return error(deepAt, 'too-deep', `nesting goes deeper than ${limits.maxDepth} levels here — flatten the document, or raise limits.maxDepth if it is genuine`);
  }
  const composer = new Composer({ merge: true, uniqueKeys: false, logLevel: 'error', strict: true });
  const documents = Array.from(composer.compose(tokens, true, source.text.length));
  const [document, second] = documents;
  if (document === undefined) return error(0, 'empty-document', 'the file contains no YAML document — a connector definition must be an object');
  const firstError = document.errors[0];
  if (firstError !== undefined) {
    return error(firstError.pos[0], 'yaml-syntax', `YAML syntax error (${firstError.code}): ${firstError.message} — fix the YAML at this position`);
  }
  if (second !== undefined) {
    return error(second.range[0], 'yaml-syntax', 'a second YAML document starts here — a definition file must hold exactly one document; split it into separate files');
  }
  const warnings: Issue[] = document.warnings.map((warning) =>
    source.issueAt(warning.pos[0], { code: 'yaml-warning', severity: 'warning', message: `YAML warning (${warning.code}): ${warning.message}` }),
  );
  if (document.contents === null) return error(0, 'empty-document', 'the file contains only comments or whitespace — a connector definition must be an object', warnings);
  const tree = checkYamlTree(document.contents, source, limits);
  warnings.push(...tree.warnings);
  if (tree.error !== undefined) return parseFailure(tree.error, warnings);
  let value: unknown;
  try {
    value = document.toJS({ maxAliasCount: limits.maxYamlAliases });
  } catch (thrown) {
    // The tree walk above refuses everything we know to make toJS throw; this keeps the
    // "never throws" promise should the library find something it does not accept.
    const aliasProblem = thrown instanceof ReferenceError;
    return error(document.range[0], aliasProblem ? 'yaml-alias-limit' : 'yaml-syntax', `the YAML document could not be converted: ${errorMessage(thrown)} — simplify the anchors, aliases and merge keys`, warnings);
  }
  return parsedValue(value, warnings);
}
