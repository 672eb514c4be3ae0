import { isAlias, isMap, isScalar, isSeq } from 'yaml';
import type { CST } from 'yaml';
import { escapePointerToken } from '../../core/index.ts';
import type { Issue } from '../../core/index.ts';
import type { ParseLimits } from './limits.ts';
import type { SourceText } from './source-text.ts';

/** Duplicate keys listed individually before the rest are summarised in one warning. */
const MAX_LISTED_DUPLICATES = 50;

/**
 * The offset of the first collection nested deeper than `maxDepth` in the YAML concrete syntax
 * tree, or undefined. Runs before composition because the yaml composer recurses once per level.
 */
export function findTooDeepCst(tokens: readonly CST.Token[], maxDepth: number): number | undefined {
  const pending: Array<{ token: CST.Token; depth: number }> = tokens.map((token) => ({ token, depth: 0 }));
  while (pending.length > 0) {
    const entry = pending.pop();
    if (entry === undefined) break;
    const { token, depth } = entry;
    if (token.type === 'document') {
      if (token.value !== undefined) pending.push({ token: token.value, depth });
      continue;
    }
    if (token.type !== 'block-map' && token.type !== 'block-seq' && token.type !== 'flow-collection') continue;
    const inner = depth + 1;
    if (inner > maxDepth) return token.offset;
    for (const item of token.items) {
      if (item.key !== undefined && item.key !== null) pending.push({ token: item.key, depth: inner });
      if (item.value !== undefined) pending.push({ token: item.value, depth: inner });
    }
  }
  return undefined;
}

/** Findings of {@link checkYamlTree}: the first limit broken, and duplicate-key warnings. */
export interface YamlTreeReport {
  readonly error: Issue | undefined;
  readonly warnings: Issue[];
}

/** What is known about an anchored node once its subtree has been walked. */
interface AnchorRecord {
  open: boolean;
  /** Alias expansions inside the anchored node (each expansion of it repeats them). */
  expansions: number;
  /** Nesting levels of collections inside it, itself included. */
  height: number;
  readonly countAtStart: number;
}

interface Visit {
  readonly node: unknown;
  readonly parent: Visit | undefined;
  /** The JSON-pointer token of this node in its parent, when it is a value (not a key). */
  readonly token: string | number | undefined;
  /** Collections enclosing this node. */
  readonly depth: number;
  exiting: boolean;
  childHeight: number;
  anchor: AnchorRecord | undefined;
}

/**
 * Walks a composed YAML tree once, iteratively, in document order (the order in which the yaml
 * library binds aliases), and stops at the first problem:
 * - alias expansions, counted with everything each expansion repeats, above `maxYamlAliases`
 *   (this catches billion-laughs documents before any expansion happens);
 * - an alias inside the node it names (the value would be cyclic, which no JSON consumer survives);
 * - nesting above `maxDepth`, counting what aliases bring in;
 * - strings above `maxStringLength`.
 * Duplicate keys are reported as warnings (the last value wins, as in JSON).
 */
export function checkYamlTree(root: unknown, context: { readonly source: SourceText; readonly limits: Readonly<ParseLimits> }): YamlTreeReport {
  const { source, limits } = context;
  const warnings: Issue[] = [];
  const anchors = new Map<string, AnchorRecord>();
  let expansions = 0;
  let duplicates = 0;
  let unlistedDuplicates: number | undefined;
  const fail = (node: unknown, problem: { code: string; message: string }): YamlTreeReport => ({
    error: source.issueAt(startOf(node), { code: problem.code, severity: 'error', message: problem.message }),
    warnings,
  });
  const stack: Visit[] = [{ node: root, parent: undefined, token: undefined, depth: 0, exiting: false, childHeight: 0, anchor: undefined }];
  while (stack.length > 0) {
    const visit = stack.pop();
    if (visit === undefined) break;
    const { node } = visit;
    if (visit.exiting) {
      const height = visit.childHeight + 1;
      if (visit.parent !== undefined) visit.parent.childHeight = Math.max(visit.parent.childHeight, height);
      if (visit.anchor !== undefined) closeAnchor(visit.anchor, expansions, height);
      continue;
    }
    if (isAlias(node)) {
      const target = anchors.get(node.source);
      const name = `*${node.source}`;
      if (target === undefined) return fail(node, { code: 'yaml-syntax', message: `alias ${name} refers to no anchor &${node.source} defined before it — define the anchor first, or remove the alias` });
      if (target.open) return fail(node, { code: 'yaml-alias-cycle', message: `alias ${name} sits inside the node anchored &${node.source}, so the value would contain itself — a definition must be a tree; copy the content instead` });
      expansions += 1 + target.expansions;
      if (expansions > limits.maxYamlAliases) {
        return fail(node, { code: 'yaml-alias-limit', message: `alias ${name} brings the number of alias expansions above the limit of ${limits.maxYamlAliases} (nested aliases count every time they are repeated) — a billion-laughs document? Write the content out, or raise limits.maxYamlAliases if it is genuine` });
      }
      if (visit.depth + target.height > limits.maxDepth) {
        return fail(node, { code: 'too-deep', message: `alias ${name} nests the document deeper than ${limits.maxDepth} levels — flatten it, or raise limits.maxDepth if it is genuine` });
      }
      if (visit.parent !== undefined) visit.parent.childHeight = Math.max(visit.parent.childHeight, target.height);
      continue;
    }
    const anchorName = anchorOf(node);
    if (anchorName !== undefined) {
      visit.anchor = { open: true, expansions: 0, height: 0, countAtStart: expansions };
      anchors.set(anchorName, visit.anchor);
    }
    if (isScalar(node)) {
      if (typeof node.value === 'string' && node.value.length > limits.maxStringLength) {
        return fail(node, { code: 'string-too-long', message: `this string is ${node.value.length} characters long, more than the limit of ${limits.maxStringLength} — shorten it, or raise limits.maxStringLength` });
      }
      if (visit.anchor !== undefined) closeAnchor(visit.anchor, expansions, 0);
      continue;
    }
    if (!isMap(node) && !isSeq(node)) continue;
    const depth = visit.depth + 1;
    if (depth > limits.maxDepth) return fail(node, { code: 'too-deep', message: `nesting goes deeper than ${limits.maxDepth} levels here — flatten the document, or raise limits.maxDepth if it is genuine` });
    visit.exiting = true;
    stack.push(visit);
    const children: Visit[] = [];
    const child = (value: unknown, token: string | number | undefined): void => {
      if (value !== null && value !== undefined) children.push({ node: value, parent: visit, token, depth, exiting: false, childHeight: 0, anchor: undefined });
    };
    if (isSeq(node)) node.items.forEach((item, index) => child(item, index));
    else {
      const seen = new Set<string>();
      for (const pair of node.items) {
        const key = keyToken(pair.key);
        if (key !== undefined) {
          if (seen.has(key) && ++duplicates > MAX_LISTED_DUPLICATES) unlistedDuplicates ??= startOf(pair.key);
          else if (seen.has(key)) {
            warnings.push(
              source.issueAt(startOf(pair.key), {
                code: 'duplicate-key',
                severity: 'warning',
                path: pointerOf(visit) + '/' + escapePointerToken(key),
                message: `key "${key.length > 60 ? key.slice(0, 57) + '…' : key}" appears more than once in the same mapping — the last value wins; remove the duplicates`,
              }),
            );
          }
          seen.add(key);
        }
        child(pair.key, undefined);
        child(pair.value, key);
      }
    }
    for (let k = children.length - 1; k >= 0; k--) {
      const next = children[k];
      if (next !== undefined) stack.push(next);
    }
  }
  if (unlistedDuplicates !== undefined) {
    warnings.push(
      source.issueAt(unlistedDuplicates, {
        code: 'duplicate-key',
        severity: 'warning',
        message: `${duplicates - MAX_LISTED_DUPLICATES} more duplicate keys from here on, not listed one by one — remove the duplicates`,
      }),
    );
  }
  return { error: undefined, warnings };
}

function closeAnchor(record: AnchorRecord, expansions: number, height: number): void {
  record.open = false;
  record.expansions = expansions - record.countAtStart;
  record.height = height;
}

function anchorOf(node: unknown): string | undefined {
  if (!isScalar(node) && !isMap(node) && !isSeq(node)) return undefined;
  return typeof node.anchor === 'string' && node.anchor !== '' ? node.anchor : undefined;
}

function keyToken(key: unknown): string | undefined {
  if (key === null || key === undefined) return '';
  if (!isScalar(key) || typeof key.value === 'symbol') return undefined; // complex or merge (`<<`) key
  return key.value === null ? '' : String(key.value);
}

function startOf(node: unknown): number {
  if (isAlias(node) || isScalar(node) || isMap(node) || isSeq(node)) return node.range?.[0] ?? 0;
  return 0;
}

function pointerOf(visit: Visit): string {
  const tokens: string[] = [];
  for (let v: Visit | undefined = visit; v !== undefined; v = v.parent) {
    if (v.token !== undefined) tokens.push('/' + escapePointerToken(v.token));
  }
  return tokens.reverse().join('');
}
