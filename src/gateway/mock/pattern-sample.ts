/**
 * A string that matches a regular expression, for `pattern` keywords. Handles the regex subset
 * definitions use (anchors, classes, escapes, groups, alternation, quantifiers, lookarounds which
 * produce nothing); every candidate is checked with the real RegExp, so an unsupported construct
 * only means "no sample", never a wrong one.
 */

type PatternNode =
  | { readonly kind: 'text'; readonly text: string }
  | { readonly kind: 'set'; readonly accepts: (char: string) => boolean }
  | { readonly kind: 'group'; readonly alternatives: readonly (readonly PatternNode[])[]; readonly produces: boolean }
  | { readonly kind: 'repeat'; readonly node: PatternNode; readonly min: number; readonly max: number };

/** How repetitions and alternatives are chosen for one candidate. */
interface Strategy {
  /** Extra repetitions over the minimum (capped by the maximum); -1 means "minimum, but at least one where allowed". */
  readonly stretch: number;
  readonly alternative: number;
}

const PREFERRED_CHARS = 'abcxyzABCXYZ0123456789_-.@:/ ';
const ALL_PRINTABLE = Array.from({ length: 95 }, (_, i) => String.fromCharCode(32 + i)).join('');

const isDigit = (c: string): boolean => c >= '0' && c <= '9';
const isWord = (c: string): boolean => /^[A-Za-z0-9_]$/.test(c);
const isSpace = (c: string): boolean => /^\s$/.test(c);

class PatternParser {
  private index = 0;
  private readonly source: string;

  constructor(source: string) {
    this.source = source;
  }

  parse(): PatternNode[][] {
    const alternatives = this.alternatives();
    if (this.index < this.source.length) throw new Error('unbalanced parenthesis');
    return alternatives;
  }

  private peek(): string | undefined {
    return this.source[this.index];
  }

  private alternatives(): PatternNode[][] {
    const out: PatternNode[][] = [this.sequence()];
    while (this.peek() === '|') {
      this.index += 1;
      out.push(this.sequence());
    }
    return out;
  }

  private sequence(): PatternNode[] {
    const nodes: PatternNode[] = [];
    for (;;) {
      const c = this.peek();
      if (c === undefined || c === '|' || c === ')') return nodes;
      const atom = this.atom();
      if (atom === undefined) continue;
      nodes.push(this.quantified(atom));
    }
  }

  private quantified(atom: PatternNode): PatternNode {
    const c = this.peek();
    let min: number;
    let max: number;
    if (c === '*') [min, max] = [0, Infinity];
    else if (c === '+') [min, max] = [1, Infinity];
    else if (c === '?') [min, max] = [0, 1];
    else if (c === '{') {
      const match = /^\{(\d+)(,(\d*))?\}/.exec(this.source.slice(this.index));
      if (match === null) return atom;
      min = Number(match[1]);
      max = match[2] === undefined ? min : match[3] === '' || match[3] === undefined ? Infinity : Number(match[3]);
      this.index += match[0].length - 1;
    } else return atom;
    this.index += 1;
    if (this.peek() === '?') this.index += 1;
    return { kind: 'repeat', node: atom, min, max };
  }

  private atom(): PatternNode | undefined {
    const c = this.peek() ?? '';
    this.index += 1;
    switch (c) {
      case '^':
      case '$':
        return undefined;
      case '.':
        return { kind: 'set', accepts: (ch) => ch !== '\n' && ch !== '\r' };
      case '[':
        return this.characterClass();
      case '(':
        return this.group();
      case '\\':
        return this.escape(false);
      default:
        return { kind: 'text', text: c };
    }
  }

  private group(): PatternNode {
    let produces = true;
    if (this.source.startsWith('?:', this.index)) this.index += 2;
    else if (this.source.startsWith('?=', this.index) || this.source.startsWith('?!', this.index)) {
      this.index += 2;
      produces = false;
    } else if (this.source.startsWith('?<=', this.index) || this.source.startsWith('?<!', this.index)) {
      this.index += 3;
      produces = false;
    } else if (this.source.startsWith('?<', this.index)) {
      const end = this.source.indexOf('>', this.index);
      this.index = end < 0 ? this.index : end + 1;
    }
    const alternatives = this.alternatives();
    if (this.peek() !== ')') throw new Error('unclosed group');
    this.index += 1;
    return { kind: 'group', alternatives, produces };
  }

  /** An escape; inside a class `\b` is a backspace, outside a word boundary (produces nothing). */
  private escape(inClass: boolean): PatternNode | undefined {
    const c = this.peek() ?? '';
    this.index += 1;
    switch (c) {
      case 'd':
        return { kind: 'set', accepts: isDigit };
      case 'D':
        return { kind: 'set', accepts: (ch) => !isDigit(ch) };
      case 'w':
        return { kind: 'set', accepts: isWord };
      case 'W':
        return { kind: 'set', accepts: (ch) => !isWord(ch) };
      case 's':
        return { kind: 'set', accepts: isSpace };
      case 'S':
        return { kind: 'set', accepts: (ch) => !isSpace(ch) };
      case 'b':
        return inClass ? { kind: 'text', text: '\b' } : undefined;
      case 'B':
        return undefined;
      case 'n':
        return { kind: 'text', text: '\n' };
      case 't':
        return { kind: 'text', text: '\t' };
      case 'r':
        return { kind: 'text', text: '\r' };
      case 'f':
        return { kind: 'text', text: '\f' };
      case 'v':
        return { kind: 'text', text: '\v' };
      case '0':
        return { kind: 'text', text: '\0' };
      case 'x': {
        const hex = this.source.slice(this.index, this.index + 2);
        if (/^[0-9a-fA-F]{2}$/.test(hex)) {
          this.index += 2;
          return { kind: 'text', text: String.fromCharCode(parseInt(hex, 16)) };
        }
        return { kind: 'text', text: 'x' };
      }
      case 'u': {
        const hex = this.source.slice(this.index, this.index + 4);
        if (/^[0-9a-fA-F]{4}$/.test(hex)) {
          this.index += 4;
          return { kind: 'text', text: String.fromCharCode(parseInt(hex, 16)) };
        }
        return { kind: 'text', text: 'u' };
      }
      default:
        // Back-references (\1) cannot be produced without tracking groups; leave the match to the check.
        if (c >= '1' && c <= '9') return undefined;
        return { kind: 'text', text: c };
    }
  }

  private characterClass(): PatternNode {
    const negated = this.peek() === '^';
    if (negated) this.index += 1;
    const tests: ((ch: string) => boolean)[] = [];
    let first = true;
    for (;;) {
      const c = this.peek();
      if (c === undefined) throw new Error('unclosed character class');
      if (c === ']' && !first) {
        this.index += 1;
        break;
      }
      first = false;
      const start = this.classMember();
      if (typeof start === 'string' && this.peek() === '-' && this.source[this.index + 1] !== ']' && this.source[this.index + 1] !== undefined) {
        this.index += 1;
        const end = this.classMember();
        if (typeof end === 'string') {
          const [low, high] = [start.charCodeAt(0), end.charCodeAt(0)];
          tests.push((ch) => ch.charCodeAt(0) >= low && ch.charCodeAt(0) <= high);
          continue;
        }
        tests.push((ch) => ch === start || ch === '-');
        if (end !== undefined) tests.push(end);
        continue;
      }
      if (typeof start === 'string') tests.push((ch) => ch === start);
      else if (start !== undefined) tests.push(start);
    }
    const inClass = (ch: string): boolean => tests.some((test) => test(ch));
    return { kind: 'set', accepts: negated ? (ch) => !inClass(ch) : inClass };
  }

  /** One class member: a character, or a predicate for `\d`-style escapes. */
  private classMember(): string | ((ch: string) => boolean) | undefined {
    const c = this.peek() ?? '';
    this.index += 1;
    if (c !== '\\') return c;
    const escaped = this.escape(true);
    if (escaped === undefined) return undefined;
    if (escaped.kind === 'text') return escaped.text;
    if (escaped.kind === 'set') return escaped.accepts;
    return undefined;
  }
}

function pickChar(accepts: (char: string) => boolean): string {
  for (const c of PREFERRED_CHARS) if (accepts(c)) return c;
  for (const c of ALL_PRINTABLE) if (accepts(c)) return c;
  return 'a';
}

function render(nodes: readonly PatternNode[], strategy: Strategy): string {
  let out = '';
  for (const node of nodes) out += renderNode(node, strategy);
  return out;
}

function renderNode(node: PatternNode, strategy: Strategy): string {
  switch (node.kind) {
    case 'text':
      return node.text;
    case 'set':
      return pickChar(node.accepts);
    case 'group': {
      if (!node.produces) return '';
      const chosen = node.alternatives[Math.min(strategy.alternative, node.alternatives.length - 1)] ?? [];
      return render(chosen, strategy);
    }
    case 'repeat': {
      const base = strategy.stretch < 0 ? Math.max(node.min, 1) : node.min + strategy.stretch;
      const count = Math.min(Math.max(base, node.min), node.max, 256);
      let out = '';
      for (let i = 0; i < count; i += 1) out += renderNode(node.node, strategy);
      return out;
    }
  }
}

const STRATEGIES: readonly Strategy[] = [
  { stretch: -1, alternative: 0 },
  { stretch: 0, alternative: 0 },
  { stretch: -1, alternative: 1 },
  { stretch: 2, alternative: 0 },
  { stretch: 5, alternative: 0 },
  { stretch: 12, alternative: 0 },
  { stretch: 40, alternative: 0 },
  { stretch: 0, alternative: 2 },
];

/** Length bounds a sample must also respect. */
export interface LengthBounds {
  readonly minLength?: number;
  readonly maxLength?: number;
}

/** A string matching `pattern` (and the length bounds), or undefined when none was found. */
export function samplePattern(pattern: string, bounds: LengthBounds = {}): string | undefined {
  let regex: RegExp;
  let tree: PatternNode[][];
  try {
    regex = new RegExp(pattern);
    tree = new PatternParser(pattern).parse();
  } catch {
    return undefined;
  }
  const fits = (text: string): boolean => {
    const length = [...text].length;
    return regex.test(text) && length >= (bounds.minLength ?? 0) && length <= (bounds.maxLength ?? Infinity);
  };
  for (const strategy of STRATEGIES) {
    const alternatives = tree[Math.min(strategy.alternative, tree.length - 1)] ?? [];
    const candidate = render(alternatives, strategy);
    if (fits(candidate)) return candidate;
  }
  return undefined;
}
