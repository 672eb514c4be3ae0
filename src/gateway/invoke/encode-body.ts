/** Serialises an outgoing body to bytes, and parses an incoming one by its content type. */
import { randomBytes } from 'node:crypto';
import { encodeQueryComponent, isBinaryBody, isFormBody } from './outgoing-request.ts';
import type { FilePart } from './outgoing-request.ts';

/** A body ready for the wire. */
export interface EncodedBody {
  readonly data: string | Uint8Array;
  /** Set when the encoding decides the content type (forms, multipart boundaries). */
  readonly contentType?: string;
}

/** Encodes `body` (JSON value, string, form or bytes); `undefined` when there is no body. */
export function encodeBody(body: unknown, contentType: string | undefined): EncodedBody | undefined {
  if (body === undefined) return undefined;
  if (typeof body === 'string') return { data: body };
  if (body instanceof Uint8Array) return { data: body };
  if (isBinaryBody(body)) return { data: body.data };
  if (isFormBody(body)) {
    if (!body.multipart && body.fields.every(([, value]) => typeof value === 'string')) {
      const text = body.fields.map(([name, value]) => `${encodeQueryComponent(name)}=${encodeQueryComponent(value as string)}`).join('&');
      return { data: text, contentType: 'application/x-www-form-urlencoded' };
    }
    return encodeMultipart(body.fields);
  }
  if (contentType !== undefined && /x-www-form-urlencoded/i.test(contentType) && typeof body === 'object' && body !== null && !Array.isArray(body)) {
    const pairs = Object.entries(body as Record<string, unknown>).map(([name, value]) => `${encodeQueryComponent(name)}=${encodeQueryComponent(typeof value === 'string' ? value : JSON.stringify(value))}`);
    return { data: pairs.join('&') };
  }
  return { data: JSON.stringify(body) };
}

function encodeMultipart(fields: readonly (readonly [string, string | FilePart])[]): EncodedBody {
  const boundary = `----plugboard${randomBytes(12).toString('hex')}`;
  const chunks: Buffer[] = [];
  for (const [name, value] of fields) {
    const safeName = name.replace(/["\r\n]/g, '_');
    if (typeof value === 'string') {
      chunks.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${safeName}"\r\n\r\n${value}\r\n`));
    } else {
      const filename = value.filename.replace(/["\r\n]/g, '_');
      chunks.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${safeName}"; filename="${filename}"\r\nContent-Type: ${value.contentType.replace(/[\r\n]/g, '')}\r\n\r\n`));
      chunks.push(Buffer.from(value.data));
      chunks.push(Buffer.from('\r\n'));
    }
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return { data: new Uint8Array(Buffer.concat(chunks)), contentType: `multipart/form-data; boundary=${boundary}` };
}

// decode() without `stream` keeps no state between calls, so one decoder serves every call.
const utf8 = new TextDecoder();

/** A response body as the caller sees it: JSON parsed, text as a string, anything else as `{ $content-type, $content }`. */
export function decodeBody(data: Uint8Array, contentType: string | undefined): unknown {
  if (data.byteLength === 0) return undefined;
  const type = (contentType ?? '').toLowerCase();
  if (type === '' || type.includes('json')) {
    const text = utf8.decode(data);
    try {
      return JSON.parse(text);
    } catch {
      return text;
    }
  }
  if (type.startsWith('text/') || type.includes('xml') || type.includes('javascript') || type.includes('x-www-form-urlencoded')) {
    return utf8.decode(data);
  }
  return { '$content-type': contentType, '$content': Buffer.from(data).toString('base64') };
}
