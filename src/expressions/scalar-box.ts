/**
 * The base of the few values JSON cannot tell apart: a WDL float whose value is whole (`5.0`, which
 * JSON reads as the integer 5) and a .NET decimal. The interpreter treats boxes as scalars (no
 * properties), and every boundary that hands values out unboxes them to plain numbers.
 */
export abstract class ScalarBox {
  /** How messages name the type (`a float`). */
  abstract readonly typeName: string;
  /** The value as a JavaScript number (decimals may lose precision). */
  abstract toNumber(): number;
  /** How .NET writes the value (`ToString()`), used by `string()` and interpolation. */
  abstract text(): string;
  /** JSON.stringify writes a box as its number. */
  toJSON(): number {
    return this.toNumber();
  }
}
