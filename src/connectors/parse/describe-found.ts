/** Names of characters that look like whitespace or are invisible, so messages can name them. */
const INVISIBLE_NAMES: ReadonlyMap<number, string> = new Map([
  [0x00, 'NUL'],
  [0x09, 'TAB'],
  [0x0a, 'LINE FEED'],
  [0x0d, 'CARRIAGE RETURN'],
  [0x0b, 'VERTICAL TAB'],
  [0x0c, 'FORM FEED'],
  [0x85, 'NEXT LINE'],
  [0xa0, 'NO-BREAK SPACE'],
  [0x1680, 'OGHAM SPACE MARK'],
  [0x2000, 'EN QUAD'],
  [0x2001, 'EM QUAD'],
  [0x2002, 'EN SPACE'],
  [0x2003, 'EM SPACE'],
  [0x2004, 'THREE-PER-EM SPACE'],
  [0x2005, 'FOUR-PER-EM SPACE'],
  [0x2006, 'SIX-PER-EM SPACE'],
  [0x2007, 'FIGURE SPACE'],
  [0x2008, 'PUNCTUATION SPACE'],
  [0x2009, 'THIN SPACE'],
  [0x200a, 'HAIR SPACE'],
  [0x200b, 'ZERO WIDTH SPACE'],
  [0x2028, 'LINE SEPARATOR'],
  [0x2029, 'PARAGRAPH SEPARATOR'],
  [0x202f, 'NARROW NO-BREAK SPACE'],
  [0x205f, 'MEDIUM MATHEMATICAL SPACE'],
  [0x3000, 'IDEOGRAPHIC SPACE'],
  [0xfeff, 'ZERO WIDTH NO-BREAK SPACE (BOM)'],
]);

const WORD_LIMIT = 20;

function hex(code: number): string {
  return 'U+' + code.toString(16).toUpperCase().padStart(4, '0');
}

function isWordChar(code: number): boolean {
  return (code >= 48 && code <= 57) || (code >= 65 && code <= 90) || (code >= 97 && code <= 122) || code === 95 || code === 36;
}

/**
 * Describes what sits at `offset` for an "expected X but found Y" message: a quoted character, a
 * quoted word, a named invisible character (with a hint when it only looks like whitespace) or
 * "the end of the file".
 */
export function describeFound(text: string, offset: number): string {
  if (offset >= text.length) return 'the end of the file';
  const code = text.codePointAt(offset) ?? 0;
  const name = INVISIBLE_NAMES.get(code);
  if (name !== undefined) {
    const looksLikeSpace = code !== 0x0a && code !== 0x0d && code !== 0x09 && code !== 0x00;
    return `${hex(code)} (${name})` + (looksLikeSpace ? ', which is not whitespace in JSON — replace it with a normal space' : '');
  }
  if (code < 0x20 || (code >= 0x7f && code <= 0x9f)) return `the control character ${hex(code)}`;
  if (isWordChar(code)) {
    let end = offset;
    while (end < text.length && end - offset < WORD_LIMIT && isWordChar(text.charCodeAt(end))) end++;
    const more = end < text.length && isWordChar(text.charCodeAt(end)) ? '…' : '';
    return `'${text.slice(offset, end)}${more}'`;
  }
  const char = String.fromCodePoint(code);
  return code < 0x80 ? `'${char}'` : `'${char}' (${hex(code)})`;
}
