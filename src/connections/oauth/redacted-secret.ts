/**
 * A secret string that does not print itself. Resolved provider configs hold the client secret in
 * one of these, so logging or serializing a config by mistake shows `[redacted]`, never the value.
 */
const REDACTED = '[redacted]';

/** A secret value; `reveal()` is the only way to read it. */
export class RedactedSecret {
  readonly #value: string;

  constructor(value: string) {
    this.#value = value;
  }

  /** The secret itself — pass it straight to the protocol call that needs it. */
  reveal(): string {
    return this.#value;
  }

  toString(): string {
    return REDACTED;
  }

  toJSON(): string {
    return REDACTED;
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return REDACTED;
  }
}
