/**
 * Conversion functions: array, base64, base64ToBinary, base64ToString, binary, bool, createArray,
 * dataUri, dataUriToBinary, dataUriToString, decimal, decodeBase64, decodeDataUri,
 * decodeUriComponent, encodeUriComponent, float, int, json, string, uriComponent,
 * uriComponentToBinary, uriComponentToString, xml. Binary values are
 * `{ "$content-type", "$content": base64 }` envelopes.
 */
import { isRecord } from '../evaluate.ts';
import { invariantCulture } from '../dotnet/cultures.ts';
import { Decimal } from '../dotnet/decimal.ts';
import { parseNumber } from '../dotnet/number-format.ts';
import { parseJsonText } from '../json-text.ts';
import { ValueError, contentBytes, contentOf, decodeBase64, floatValue, intValue, isContent, kindName, numericOf, toDouble, utf8 } from '../values.ts';
import { definer } from './arguments.ts';
import type { Arguments } from './arguments.ts';
import type { FunctionFamily, FunctionRuntime } from './runtime.ts';
import { isXmlContent, jsonToXml, parseXml, xmlTextOf, xmlToJson, xmlValue } from './xml.ts';

const OCTET_STREAM = 'application/octet-stream';

/** The bytes of an argument: a content envelope's bytes, or the UTF-8 of its text. */
function bytesOf(args: Arguments, index: number): Uint8Array {
  const value = args.raw(index);
  if (isContent(value)) return args.guard(() => contentBytes(value));
  return new TextEncoder().encode(args.written(value));
}

/** .NET's `Uri.EscapeDataString`: everything but `A–Z a–z 0–9 - _ . ~` percent-encoded as UTF-8. */
export function escapeDataString(text: string): string {
  let out = '';
  for (const byte of new TextEncoder().encode(text)) {
    const c = String.fromCharCode(byte);
    out += /[A-Za-z0-9\-_.~]/.test(c) ? c : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/** .NET's `Uri.UnescapeDataString`: `%XX` runs decoded as UTF-8; runs that are not valid UTF-8 stay as written; `+` stays `+`. */
export function unescapeDataString(text: string): string {
  return text.replace(/(?:%[0-9A-Fa-f]{2})+/g, (run) => {
    const bytes = new Uint8Array(run.length / 3);
    for (let i = 0; i < bytes.length; i++) bytes[i] = parseInt(run.slice(i * 3 + 1, i * 3 + 3), 16);
    try {
      return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    } catch {
      // Not UTF-8: .NET keeps the escapes as they are.
      return run;
    }
  });
}

/** A data URI's content type and bytes; throws {@link ValueError}. */
function parseDataUri(uri: string): { readonly contentType: string; readonly bytes: Uint8Array } {
  const match = /^data:([^,]*?)(;base64)?,(.*)$/is.exec(uri.trim());
  if (match === null) throw new ValueError('the text is not a data URI (data:[<media type>][;base64],<data>)');
  const contentType = match[1] === undefined || match[1] === '' ? 'text/plain;charset=US-ASCII' : match[1];
  const data = match[3] ?? '';
  const bytes = match[2] !== undefined ? decodeBase64(data) : new TextEncoder().encode(unescapeDataString(data));
  return { contentType, bytes };
}

/** The functions of this family. */
export function conversionFunctions(runtime: FunctionRuntime): FunctionFamily {
  const { fn } = definer(runtime);
  const base64ToString = fn([1, 1], (args) => {
    const text = args.text(0, 'value');
    return args.guard(() => utf8(decodeBase64(text)));
  });
  const dataUriToBinary = fn([1, 1], (args) => {
    const { contentType, bytes } = args.guard(() => parseDataUri(args.string(0, 'value')));
    return contentOf(contentType, bytes);
  });
  const encode = fn([1, 1], (args) => {
    const text = args.written(args.raw(0));
    const encoded = escapeDataString(text);
    args.producedString(encoded.length);
    return encoded;
  });
  return {
    array: fn([1, 1], (args) => [args.raw(0)]),
    createArray: fn([1, Infinity], (args) => {
      args.producedArray(args.length);
      return [...args.values];
    }),
    base64: fn([1, 1], (args) => {
      const value = args.raw(0);
      if (isContent(value) && typeof value.$content === 'string') return value.$content;
      const encoded = Buffer.from(bytesOf(args, 0)).toString('base64');
      args.producedString(encoded.length);
      return encoded;
    }),
    base64ToBinary: fn([1, 1], (args) => contentOf(OCTET_STREAM, args.guard(() => decodeBase64(args.text(0, 'value'))))),
    base64ToString,
    decodeBase64: base64ToString,
    binary: fn([1, 1], (args) => {
      const value = args.raw(0);
      if (isContent(value)) return value;
      return contentOf(OCTET_STREAM, bytesOf(args, 0));
    }),
    bool: fn([1, 1], (args) => {
      const value = args.raw(0);
      if (typeof value === 'boolean') return value;
      if (value === null) return false;
      const numeric = numericOf(value);
      if (numeric !== undefined) return toDouble(numeric) !== 0;
      if (typeof value === 'string') {
        const text = value.trim().toLowerCase();
        if (text === 'true') return true;
        if (text === 'false') return false;
        return args.fail("argument 1 (value) must be 'true' or 'false' when it is a string");
      }
      return args.fail(`argument 1 (value) must be a boolean, a number or a string, not ${kindName(value)}`);
    }),
    dataUri: fn([1, 1], (args) => {
      const value = args.raw(0);
      const contentType = isContent(value) ? value['$content-type'] : 'text/plain;charset=utf-8';
      const uri = `data:${contentType};base64,${Buffer.from(bytesOf(args, 0)).toString('base64')}`;
      args.producedString(uri.length);
      return uri;
    }),
    dataUriToBinary,
    decodeDataUri: dataUriToBinary,
    dataUriToString: fn([1, 1], (args) => utf8(args.guard(() => parseDataUri(args.string(0, 'value'))).bytes)),
    decimal: fn([1, 1], (args) => {
      const value = args.raw(0);
      const numeric = numericOf(value);
      if (numeric !== undefined) return args.guard(() => (numeric.kind === 'decimal' ? numeric.value : numeric.kind === 'int' ? Decimal.fromInteger(numeric.value) : Decimal.fromNumber(numeric.value)));
      return args.guard(() => Decimal.parse(args.string(0, 'value')));
    }),
    decodeUriComponent: fn([1, 1], (args) => unescapeDataString(args.string(0, 'value'))),
    uriComponentToString: fn([1, 1], (args) => unescapeDataString(args.string(0, 'value'))),
    uriComponentToBinary: fn([1, 1], (args) => contentOf(OCTET_STREAM, new TextEncoder().encode(unescapeDataString(args.string(0, 'value'))))),
    encodeUriComponent: encode,
    uriComponent: encode,
    float: fn([1, 2], (args) => {
      const value = args.raw(0);
      const numeric = numericOf(value);
      if (numeric !== undefined) return args.guard(() => floatValue(toDouble(numeric)));
      const text = args.string(0, 'value');
      const culture = args.culture(1, 'locale');
      const parsed = parseNumber(text, { culture: culture.number });
      if (parsed === undefined) return args.fail(`argument 1 (value) is not a number in the ${culture.name || 'invariant'} culture`);
      const number = Number(`${parsed.negative ? '-' : ''}${parsed.digits || '0'}.${parsed.fraction || '0'}e${parsed.exponent}`);
      if (!Number.isFinite(number)) return args.fail('argument 1 (value) is outside the range of a float');
      return floatValue(number);
    }),
    int: fn([1, 1], (args) => {
      const value = args.raw(0);
      if (typeof value === 'boolean') return value ? 1 : 0;
      const numeric = numericOf(value);
      if (numeric !== undefined) {
        if (numeric.kind === 'int') return intValue(numeric.value);
        // Convert.ToInt64 rounds half to even.
        const double = toDouble(numeric);
        const floor = Math.floor(double);
        const diff = double - floor;
        const rounded = diff > 0.5 || (diff === 0.5 && floor % 2 !== 0) ? floor + 1 : floor;
        return args.guard(() => intValue(BigInt(rounded)));
      }
      const text = args.string(0, 'value');
      const parsed = parseNumber(text, { culture: invariantCulture().number, integerOnly: true });
      if (parsed === undefined) return args.fail('argument 1 (value) is not an integer (digits with an optional sign)');
      return args.guard(() => intValue(BigInt(`${parsed.negative ? '-' : ''}${parsed.digits}`)));
    }),
    json: fn([1, 1], (args) => {
      const value = args.raw(0);
      if (value === null) return {};
      if (isXmlContent(value)) return args.guard(() => xmlToJson(parseXml(xmlTextOf(value))));
      if (isContent(value)) return args.guard(() => parseJsonText(utf8(contentBytes(value))));
      if (typeof value === 'string') return args.guard(() => parseJsonText(value));
      return value;
    }),
    string: fn([1, 1], (args) => {
      const text = args.written(args.raw(0));
      args.producedString(text.length);
      return text;
    }),
    xml: fn([1, 1], (args) => {
      const value = args.raw(0);
      if (isXmlContent(value)) return value;
      if (isContent(value)) {
        const text = args.guard(() => utf8(contentBytes(value)));
        args.guard(() => parseXml(text));
        return xmlValue(text);
      }
      if (typeof value === 'string') {
        args.guard(() => parseXml(value));
        return xmlValue(value);
      }
      if (isRecord(value)) return xmlValue(args.guard(() => jsonToXml(value)));
      return args.fail(`argument 1 (value) must be a string of XML or a JSON object, not ${kindName(value)}`);
    }),
  };
}
