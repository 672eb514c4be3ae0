import type { Issue, Severity } from '../../core/index.ts';

/** A 1-based line and column; columns count UTF-16 code units, as editors such as VS Code do. */
export interface TextPosition {
  readonly line: number;
  readonly column: number;
}

/** What an issue says, before it is placed in a file. */
export interface IssueSpec {
  readonly code: string;
  readonly severity: Severity;
  readonly message: string;
  /** JSON pointer of the value concerned, when known; `''` otherwise. */
  readonly path?: string;
}

/**
 * A decoded document and its file name. Turns string offsets into line/column positions (the
 * line table is built only when the first issue needs it, so clean files never pay for it).
 */
export class SourceText {
  readonly text: string;
  readonly file: string;
  #lineStarts: number[] | undefined;

  constructor(text: string, file: string) {
    this.text = text;
    this.file = file;
  }

  /** The line and column of a string offset (clamped to the text); `\n`, `\r\n` and `\r` end lines. */
  positionAt(offset: number): TextPosition {
    const starts = this.#lines();
    const at = Math.max(0, Math.min(offset, this.text.length));
    let low = 0;
    let high = starts.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if ((starts[mid] ?? 0) <= at) low = mid;
      else high = mid - 1;
    }
    return { line: low + 1, column: at - (starts[low] ?? 0) + 1 };
  }

  /** "line L, column C" for use inside messages. */
  describePosition(offset: number): string {
    const { line, column } = this.positionAt(offset);
    return `line ${line}, column ${column}`;
  }

  /** An issue located at a string offset of this text. */
  issueAt(offset: number, spec: IssueSpec): Issue {
    const { line, column } = this.positionAt(offset);
    return { code: spec.code, severity: spec.severity, path: spec.path ?? '', message: spec.message, file: this.file, line, column };
  }

  #lines(): number[] {
    if (this.#lineStarts !== undefined) return this.#lineStarts;
    const starts = [0];
    const text = this.text;
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === 10) starts.push(i + 1);
      else if (c === 13) {
        if (text.charCodeAt(i + 1) === 10) i++;
        starts.push(i + 1);
      }
    }
    this.#lineStarts = starts;
    return starts;
  }
}
