/**
 * The `x-ms-*` extension keys Plugboard knows (connector-corpus.md §3), and the detection of
 * misspelt keys. Published connectors carry misspellings the platform silently ignores
 * (`x-ms-visibilty`, `x-ms-summary title` …); we keep them as raw data and warn, naming the key the
 * author meant.
 */

/** Correctly spelt extension keys that occur in connector definitions (Power Platform and AutoRest). */
export const KNOWN_EXTENSIONS: readonly string[] = [
  // Power Platform connector extensions
  'x-ms-api-annotation',
  'x-ms-capabilities',
  'x-ms-connector-metadata',
  'x-ms-deployment-version',
  'x-ms-dynamic-list',
  'x-ms-dynamic-properties',
  'x-ms-dynamic-schema',
  'x-ms-dynamic-tree',
  'x-ms-dynamic-values',
  'x-ms-editor',
  'x-ms-editor-options',
  'x-ms-enum-values',
  'x-ms-keywords',
  'x-ms-media-kind',
  'x-ms-no-generic-test',
  'x-ms-notification-content',
  'x-ms-notification-url',
  'x-ms-openai-data',
  'x-ms-openai-manifest',
  'x-ms-openai-published-to-copilots',
  'x-ms-require-user-confirmation',
  'x-ms-summary',
  'x-ms-test-value',
  'x-ms-trigger',
  'x-ms-trigger-hint',
  'x-ms-trigger-metadata',
  'x-ms-url-encoding',
  'x-ms-visibility',
  // AutoRest / Azure SDK / Microsoft Graph extensions found in published connectors
  'x-ms-azure-resource',
  'x-ms-client-flatten',
  'x-ms-client-name',
  'x-ms-discriminator-value',
  'x-ms-docs',
  'x-ms-docs-operation-type',
  'x-ms-enum',
  'x-ms-error-response',
  'x-ms-examples',
  'x-ms-external',
  'x-ms-identifiers',
  'x-ms-long-running-operation',
  'x-ms-long-running-operation-options',
  'x-ms-mutability',
  'x-ms-navigationProperty',
  'x-ms-pageable',
  'x-ms-parameter-grouping',
  'x-ms-parameter-location',
  'x-ms-parameterized-host',
  'x-ms-paths',
  'x-ms-primary-error-message',
  'x-ms-secret',
  'x-ms-skip-url-encoding',
];

const knownLower = new Map(KNOWN_EXTENSIONS.map((key) => [key.toLowerCase(), key]));

/** Largest edit distance at which an unknown key is taken for a misspelling of a known one. */
const MAX_TYPO_DISTANCE = 2;

/** What an unknown `x-ms-*` key probably is. */
export type ExtensionDiagnosis =
  | { readonly kind: 'known' }
  | { readonly kind: 'misspelt'; readonly intended: string }
  | { readonly kind: 'unknown' };

/** True when the key is an `x-ms-` key (compared case-insensitively, as misspellings vary in case). */
export function isMsExtensionKey(key: string): boolean {
  return key.length > 5 && key.slice(0, 5).toLowerCase() === 'x-ms-';
}

/**
 * Classifies an `x-ms-*` key: known, a misspelling of a known key (normalising case and stray
 * suffixes like `x-ms-summary:` / `x-ms-summary title` first, then by edit distance), or unknown.
 * `value` helps with keys whose name is far off but whose shape is unmistakable.
 */
export function diagnoseExtensionKey(key: string, value?: unknown): ExtensionDiagnosis {
  if (knownLower.get(key) === key) return { kind: 'known' };
  const lower = key.toLowerCase();
  const exactCase = knownLower.get(lower);
  if (exactCase !== undefined) return exactCase === key ? { kind: 'known' } : { kind: 'misspelt', intended: exactCase };
  const cut = /^x-ms-[a-z0-9-]*/.exec(lower)?.[0].replace(/-+$/, '');
  const trimmed = cut === undefined ? undefined : knownLower.get(cut);
  if (trimmed !== undefined) return { kind: 'misspelt', intended: trimmed };
  const byShape = intendedByShape(value);
  if (byShape !== undefined) return { kind: 'misspelt', intended: byShape };
  const cached = nearestCache.get(lower);
  if (cached !== undefined) return cached;
  const diagnosis = nearestKnown(lower);
  if (nearestCache.size < 1000) nearestCache.set(lower, diagnosis);
  return diagnosis;
}

/** Misspelt keys repeat (one published connector has 146 `x-ms-summary title`): distances are computed once per key. */
const nearestCache = new Map<string, ExtensionDiagnosis>();

function nearestKnown(lower: string): ExtensionDiagnosis {
  let best: string | undefined;
  let bestDistance = MAX_TYPO_DISTANCE + 1;
  for (const [candidateLower, candidate] of knownLower) {
    if (Math.abs(candidateLower.length - lower.length) > MAX_TYPO_DISTANCE) continue;
    const distance = editDistance(lower, candidateLower, bestDistance);
    if (distance < bestDistance) {
      bestDistance = distance;
      best = candidate;
    }
  }
  return best === undefined ? { kind: 'unknown' } : { kind: 'misspelt', intended: best };
}

/** A `{value-path, value-collection}` object can only be meant as `x-ms-dynamic-values` (iMIS writes `x-ms-trigger-value`). */
function intendedByShape(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  return 'value-path' in value || 'value-collection' in value ? 'x-ms-dynamic-values' : undefined;
}

/**
 * Optimal-string-alignment distance (Levenshtein plus adjacent transpositions, so `visibilty` is one
 * edit from `visibility`). Stops early once every cell of a row exceeds `limit`.
 */
export function editDistance(a: string, b: string, limit = Number.POSITIVE_INFINITY): number {
  const width = b.length + 1;
  let previous2 = new Array<number>(width).fill(0);
  let previous = Array.from({ length: width }, (_, j) => j);
  let current = new Array<number>(width).fill(0);
  for (let i = 1; i <= a.length; i += 1) {
    current[0] = i;
    let rowMin = i;
    for (let j = 1; j < width; j += 1) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let value = Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, (previous[j - 1] ?? 0) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) value = Math.min(value, (previous2[j - 2] ?? 0) + 1);
      current[j] = value;
      if (value < rowMin) rowMin = value;
    }
    if (rowMin > limit) return rowMin;
    [previous2, previous, current] = [previous, current, previous2];
  }
  return previous[b.length] ?? 0;
}
