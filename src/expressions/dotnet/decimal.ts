/**
 * .NET's `System.Decimal`: a 96-bit integer mantissa scaled by 10^-scale (scale 0..28). WDL's
 * `decimal()` returns one so that `string(add(decimal('1.2345678912312131'), …))` keeps every
 * digit; as a JSON number it becomes a double.
 */
import { ScalarBox } from '../scalar-box.ts';

const MAX_MANTISSA = (1n << 96n) - 1n;
const MAX_SCALE = 28;

/** Thrown for a decimal that overflows or a text that is not a decimal; the caller words the error. */
export class DecimalError extends Error {
  override readonly name = 'DecimalError';
}

/** An exact decimal number with .NET's range and precision. */
export class Decimal extends ScalarBox {
  readonly typeName = 'a decimal';
  /** Signed mantissa: the value is `mantissa / 10^scale`. */
  readonly mantissa: bigint;
  readonly scale: number;

  constructor(mantissa: bigint, scale: number) {
    super();
    let m = mantissa;
    let s = scale;
    while (s > MAX_SCALE || abs(m) > MAX_MANTISSA) {
      if (s === 0) throw new DecimalError('the value is outside the range of a decimal');
      m = divideRounded(m, 10n);
      s--;
    }
    this.mantissa = m;
    this.scale = s;
  }

  /** Parses `[-+]digits[.digits]` (thousands separators `,` allowed before the point); throws {@link DecimalError}. */
  static parse(text: string): Decimal {
    const match = /^\s*([-+]?)((?:\d[\d,]*)?)(?:\.(\d*))?\s*$/.exec(text);
    if (match === null || (match[2] === '' && (match[3] ?? '') === '')) throw new DecimalError('the text is not a decimal number');
    const whole = (match[2] ?? '').replaceAll(',', '');
    let fraction = match[3] ?? '';
    if (fraction.length > MAX_SCALE) {
      const kept = new Decimal(BigInt(whole + fraction.slice(0, MAX_SCALE + 1) || '0'), MAX_SCALE + 1);
      return match[1] === '-' ? kept.negate() : kept;
    }
    const mantissa = BigInt((whole + fraction) || '0');
    fraction = fraction || '';
    const value = new Decimal(mantissa, fraction.length);
    return match[1] === '-' ? value.negate() : value;
  }

  /** A whole number as a decimal. */
  static fromInteger(value: bigint): Decimal {
    return new Decimal(value, 0);
  }

  /** A double as a decimal, through its shortest round-trip text (as .NET's conversion does, to 15 significant digits). */
  static fromNumber(value: number): Decimal {
    if (!Number.isFinite(value)) throw new DecimalError('the value is not a finite number');
    const text = Number(value.toPrecision(15)).toString();
    const match = /^(-?)(\d+)(?:\.(\d+))?(?:e([-+]\d+))?$/.exec(text);
    if (match === null) throw new DecimalError('the value is not a finite number');
    const digits = (match[2] ?? '') + (match[3] ?? '');
    let scale = (match[3] ?? '').length - Number(match[4] ?? '0');
    let mantissa = BigInt(digits);
    if (scale < 0) {
      mantissa *= 10n ** BigInt(-scale);
      scale = 0;
    }
    return new Decimal(match[1] === '-' ? -mantissa : mantissa, scale);
  }

  negate(): Decimal {
    return new Decimal(-this.mantissa, this.scale);
  }

  add(other: Decimal): Decimal {
    const [a, b, scale] = align(this, other);
    return new Decimal(a + b, scale);
  }

  subtract(other: Decimal): Decimal {
    const [a, b, scale] = align(this, other);
    return new Decimal(a - b, scale);
  }

  multiply(other: Decimal): Decimal {
    return new Decimal(this.mantissa * other.mantissa, this.scale + other.scale);
  }

  /** Division to at most 28 decimal places, exact when the quotient terminates; throws on division by zero. */
  divide(other: Decimal): Decimal {
    if (other.mantissa === 0n) throw new DecimalError('division by zero');
    let numerator = this.mantissa;
    let scale = this.scale - other.scale;
    while (scale < 0) {
      numerator *= 10n;
      scale++;
    }
    let quotient = numerator / other.mantissa;
    let remainder = numerator % other.mantissa;
    while (remainder !== 0n && scale < MAX_SCALE && abs(quotient) * 10n <= MAX_MANTISSA) {
      numerator *= 10n;
      scale++;
      quotient = numerator / other.mantissa;
      remainder = numerator % other.mantissa;
    }
    if (remainder !== 0n) quotient = divideRounded(numerator * 10n, other.mantissa * 10n);
    return new Decimal(quotient, scale);
  }

  /** The remainder with the sign of the dividend, as C#'s `%`. */
  remainder(other: Decimal): Decimal {
    if (other.mantissa === 0n) throw new DecimalError('division by zero');
    const [a, b, scale] = align(this, other);
    return new Decimal(a % b, scale);
  }

  compare(other: Decimal): number {
    const [a, b] = align(this, other);
    return a < b ? -1 : a > b ? 1 : 0;
  }

  toNumber(): number {
    return Number(this.text());
  }

  /** .NET's `ToString()`: every digit of the scale, trailing zeros included (`1.50`). */
  text(): string {
    const negative = this.mantissa < 0n;
    let digits = abs(this.mantissa).toString();
    if (this.scale === 0) return `${negative ? '-' : ''}${digits}`;
    digits = digits.padStart(this.scale + 1, '0');
    return `${negative ? '-' : ''}${digits.slice(0, -this.scale)}.${digits.slice(-this.scale)}`;
  }
}

function abs(value: bigint): bigint {
  return value < 0n ? -value : value;
}

function align(a: Decimal, b: Decimal): [bigint, bigint, number] {
  if (a.scale === b.scale) return [a.mantissa, b.mantissa, a.scale];
  if (a.scale > b.scale) return [a.mantissa, b.mantissa * 10n ** BigInt(a.scale - b.scale), a.scale];
  return [a.mantissa * 10n ** BigInt(b.scale - a.scale), b.mantissa, b.scale];
}

/** `numerator / denominator` rounded half to even (banker's rounding, as .NET's decimal arithmetic). */
function divideRounded(numerator: bigint, denominator: bigint): bigint {
  const negative = numerator < 0n !== denominator < 0n;
  const n = abs(numerator);
  const d = abs(denominator);
  let quotient = n / d;
  const twice = (n % d) * 2n;
  if (twice > d || (twice === d && quotient % 2n === 1n)) quotient++;
  return negative ? -quotient : quotient;
}
