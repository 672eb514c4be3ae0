import { Composer, Parser } from 'yaml';
import type { Issue } from '../../core/index.ts';
import { errorMessage } from '../../core/index.ts';
import type { ParseLimits } from './limits.ts';
import { parseFailure, parsedValue } from './parsed-document.ts';
import type { ParsedDocument } from './parsed-document.ts';
import type { SourceText } from './source-text.ts';
import { checkYamlTree, findTooDeepCst } from './yaml-limits.ts';

/**
 * The yaml package's own alias guard stays on as a backstop, but looser: it counts per anchor,
 * includes the anchor itself and multiplies nested counts, so at the same number it would refuse
 * documents our exact, located count (checkYamlTree) accepts, with an error that has no position.
 */
const YAML_GUARD_SLACK = 10;

/**
 * Parses one YAML document with the `yaml` package, in stages so every limit is enforced before
 * the stage it protects: lex/parse (iterative) → depth check on the syntax tree → compose
 * (recursive, hence the check before it) → alias/depth/string/duplicate-key walk → conversion to
 * plain values with the library's `maxAliasCount` as a backstop. Merge keys (`<<`) are honoured; their
 * aliases count against the alias budget like any other.
 */
export function parseYamlDocument(source: SourceText, limits: Readonly<ParseLimits>): ParsedDocument {
  const error = (offset: number, problem: { code: string; message: string; warnings?: readonly Issue[] }): ParsedDocument =>
    parseFailure(source.issueAt(offset, { code: problem.code, severity: 'error', message: problem.message }), problem.warnings);

  const tokens = Array.from(new Parser().parse(source.text));
  const deepAt = findTooDeepCst(tokens, limits.maxDepth);
  if (deepAt !== undefined) {
    return error(deepAt, { code: 'too-deep', message: `nesting goes deeper than ${limits.maxDepth} levels here — flatten the document, or raise limits.maxDepth if it is genuine` });
  }
  const composer = new Composer({ merge: true, uniqueKeys: false, logLevel: 'error', strict: true });
  const documents = Array.from(composer.compose(tokens, true, source.text.length));
  const [document, second] = documents;
  if (document === undefined) return error(0, { code: 'empty-document', message: 'the file contains no YAML document — a connector definition must be an object' });
  const firstError = document.errors[0];
  if (firstError !== undefined) {
    return error(firstError.pos[0], { code: 'yaml-syntax', message: `YAML syntax error (${firstError.code}): ${firstError.message} — fix the YAML at this position` });
  }
  if (second !== undefined) {
    return error(second.range[0], { code: 'yaml-syntax', message: 'a second YAML document starts here — a definition file must hold exactly one document; split it into separate files' });
  }
  const warnings: Issue[] = document.warnings.map((warning) =>
    source.issueAt(warning.pos[0], { code: 'yaml-warning', severity: 'warning', message: `YAML warning (${warning.code}): ${warning.message}` }),
  );
  if (document.contents === null) return error(0, { code: 'empty-document', message: 'the file contains only comments or whitespace — a connector definition must be an object', warnings });
  const tree = checkYamlTree(document.contents, { source, limits });
  warnings.push(...tree.warnings);
  if (tree.error !== undefined) return parseFailure(tree.error, warnings);
  let value: unknown;
  try {
    value = document.toJS({ maxAliasCount: limits.maxYamlAliases * YAML_GUARD_SLACK });
  } catch (thrown) {
    // The tree walk above refuses everything we know to make toJS throw; this keeps the
    // "never throws" promise should the library find something it does not accept.
    const aliasProblem = thrown instanceof ReferenceError;
    return error(document.range[0], {
      code: aliasProblem ? 'yaml-alias-limit' : 'yaml-syntax',
      message: `the YAML document could not be converted: ${errorMessage(thrown)} — simplify the anchors, aliases and merge keys`,
      warnings,
    });
  }
  return parsedValue(value, warnings);
}
