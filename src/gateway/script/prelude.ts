/**
 * The JavaScript evaluated in every fresh sandbox before the connector's script: the harness that
 * calls the script's hook, `console`, and the helpers scripts commonly need and QuickJS lacks —
 * all plain JavaScript, so they add no host entry point.
 *
 * Evaluating the source yields a function; the host calls it once with its only two host
 * functions (`send`, `log`), which stay in this closure and are never put on `globalThis`. It
 * returns the harness function `invoke(hook, inputJson)`, which always resolves to a JSON string:
 * `{ ok: true, response }` or `{ ok: false, error: { name, message, stack, sendErrorId? } }`.
 * Every value crossing the boundary is a string, so the host only ever sees JSON data.
 *
 * The helpers (btoa/atob, TextEncoder/TextDecoder, URLSearchParams) are installed as lazy globals:
 * their source is kept as a string and compiled on first use. QuickJS compiles about 12 KB of
 * source per millisecond, so parsing them on every call would double the cost of a pass-through
 * invocation for scripts that never use them.
 *
 * The built-ins used here are captured before the script runs: a script that edits `JSON` or
 * prototypes can only break its own output, which the host validates anyway.
 */

/** File name the prelude is evaluated under (appears in guest stack traces, never as "the script"). */
export const PRELUDE_FILE = 'plugboard:prelude';

/** Longest console line the guest formats; the host truncates again. */
export const GUEST_LOG_LINE_CHARS = 2000;

/** Globals the prelude adds to the sandbox. */
export const PRELUDE_GLOBALS = ['console', 'btoa', 'atob', 'TextEncoder', 'TextDecoder', 'URLSearchParams'] as const;

/** btoa / atob (Latin-1 strings, as in browsers). */
const BASE64_HELPERS = String.raw`(function (define, shared, load) {
'use strict';
const toStr = String;
const fromCharCode = String.fromCharCode;
const ErrorCtor = Error;
function fail(name, message) {
  const e = new ErrorCtor(message);
  e.name = name;
  return e;
}
const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

function btoa(input) {
  const s = toStr(input);
  let out = '';
  for (let i = 0; i < s.length; i += 3) {
    const a = s.charCodeAt(i), b = s.charCodeAt(i + 1), c = s.charCodeAt(i + 2);
    if (a > 255 || b > 255 || c > 255) throw fail('InvalidCharacterError', 'btoa: the string contains characters outside Latin-1 — encode it first: btoa(String.fromCharCode(...new TextEncoder().encode(text)))');
    const n = (a << 16) | ((i + 1 < s.length ? b : 0) << 8) | (i + 2 < s.length ? c : 0);
    out += B64[(n >> 18) & 63] + B64[(n >> 12) & 63] + (i + 1 < s.length ? B64[(n >> 6) & 63] : '=') + (i + 2 < s.length ? B64[n & 63] : '=');
  }
  return out;
}

function atob(input) {
  let s = toStr(input).replace(/[\t\n\f\r ]/g, '');
  if (s.length % 4 === 0) s = s.replace(/==?$/, '');
  if (s.length % 4 === 1 || /[^A-Za-z0-9+/]/.test(s)) throw fail('InvalidCharacterError', 'atob: the string is not valid base64');
  let out = '';
  let bits = 0, value = 0;
  for (let i = 0; i < s.length; i++) {
    value = (value << 6) | B64.indexOf(s[i]);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += fromCharCode((value >> bits) & 255);
    }
  }
  return out;
}
define('btoa', btoa);
define('atob', atob);
})`;

/** TextEncoder / TextDecoder, UTF-8 only, with the WHATWG replacement rules. */
const TEXT_HELPERS = String.raw`(function (define, shared, load) {
'use strict';
const toStr = String;
const fromCharCode = String.fromCharCode;
const stringify = JSON.stringify;
const U8 = Uint8Array;
const TypeErrorCtor = TypeError;
function utf8Encode(input) {
  const s = toStr(input);
  const bytes = [];
  for (let i = 0; i < s.length; i++) {
    let code = s.charCodeAt(i);
    if (code >= 0xd800 && code <= 0xdbff && i + 1 < s.length) {
      const next = s.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        code = 0x10000 + ((code - 0xd800) << 10) + (next - 0xdc00);
        i++;
      } else code = 0xfffd;
    } else if (code >= 0xd800 && code <= 0xdfff) code = 0xfffd;
    if (code < 0x80) bytes.push(code);
    else if (code < 0x800) bytes.push(0xc0 | (code >> 6), 0x80 | (code & 63));
    else if (code < 0x10000) bytes.push(0xe0 | (code >> 12), 0x80 | ((code >> 6) & 63), 0x80 | (code & 63));
    else bytes.push(0xf0 | (code >> 18), 0x80 | ((code >> 12) & 63), 0x80 | ((code >> 6) & 63), 0x80 | (code & 63));
  }
  return new U8(bytes);
}

function toBytes(input) {
  if (input === undefined) return new U8(0);
  if (input instanceof U8) return input;
  if (input instanceof ArrayBuffer) return new U8(input);
  if (ArrayBuffer.isView(input)) return new U8(input.buffer, input.byteOffset, input.byteLength);
  throw new TypeErrorCtor('TextDecoder.decode: pass a Uint8Array, another typed array, a DataView or an ArrayBuffer');
}

// WHATWG UTF-8 decode with replacement: each maximal invalid subsequence becomes one U+FFFD.
function utf8Decode(bytes, ignoreBOM) {
  let out = '';
  let i = 0;
  if (!ignoreBOM && bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) i = 3;
  while (i < bytes.length) {
    const b = bytes[i];
    if (b < 0x80) { out += fromCharCode(b); i++; continue; }
    let need = 0, code = 0, lower = 0x80, upper = 0xbf;
    if (b >= 0xc2 && b <= 0xdf) { need = 1; code = b & 0x1f; }
    else if (b >= 0xe0 && b <= 0xef) { need = 2; code = b & 0xf; if (b === 0xe0) lower = 0xa0; if (b === 0xed) upper = 0x9f; }
    else if (b >= 0xf0 && b <= 0xf4) { need = 3; code = b & 0x7; if (b === 0xf0) lower = 0x90; if (b === 0xf4) upper = 0x8f; }
    else { out += '\ufffd'; i++; continue; }
    let j = 1;
    for (; j <= need; j++) {
      const c = bytes[i + j];
      if (c === undefined || c < lower || c > upper) break;
      lower = 0x80; upper = 0xbf;
      code = (code << 6) | (c & 0x3f);
    }
    if (j <= need) { out += '\ufffd'; i += j; continue; }
    i += need + 1;
    if (code >= 0x10000) { code -= 0x10000; out += fromCharCode(0xd800 + (code >> 10), 0xdc00 + (code & 0x3ff)); }
    else out += fromCharCode(code);
  }
  return out;
}

class TextEncoder {
  get encoding() { return 'utf-8'; }
  encode(input) { return utf8Encode(input === undefined ? '' : input); }
}

class TextDecoder {
  constructor(label, options) {
    const name = label === undefined ? 'utf-8' : toStr(label).trim().toLowerCase();
    if (name !== 'utf-8' && name !== 'utf8' && name !== 'unicode-1-1-utf-8') throw new RangeError('TextDecoder: only utf-8 is available in the sandbox, got ' + stringify(toStr(label)));
    this._ignoreBOM = options !== undefined && options !== null && options.ignoreBOM === true;
  }
  get encoding() { return 'utf-8'; }
  decode(input) { return utf8Decode(toBytes(input), this._ignoreBOM); }
}
shared.utf8Encode = utf8Encode;
shared.utf8Decode = utf8Decode;
define('TextEncoder', TextEncoder);
define('TextDecoder', TextDecoder);
})`;

/** URLSearchParams (application/x-www-form-urlencoded, as the URL standard defines it). */
const URL_HELPERS = String.raw`(function (define, shared, load) {
'use strict';
load('text');
const utf8Encode = shared.utf8Encode;
const utf8Decode = shared.utf8Decode;
const toStr = String;
const fromCharCode = String.fromCharCode;
const isArray = Array.isArray;
const keysOf = Object.keys;
const U8 = Uint8Array;
const TypeErrorCtor = TypeError;
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

function formEncode(value) {
  return encodeURIComponent(toStr(value).replace(LONE_SURROGATE, '\ufffd'))
    .replace(/[!'()~]/g, function (c) { return '%' + c.charCodeAt(0).toString(16).toUpperCase(); })
    .replace(/%20/g, '+');
}

function percentDecode(text) {
  if (text.indexOf('%') < 0) return text;
  const bytes = utf8Encode(text);
  const out = [];
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i];
    if (b === 0x25 && i + 2 < bytes.length) {
      const hex = fromCharCode(bytes[i + 1], bytes[i + 2]);
      if (/^[0-9A-Fa-f]{2}$/.test(hex)) { out.push(parseInt(hex, 16)); i += 2; continue; }
    }
    out.push(b);
  }
  return utf8Decode(new U8(out), true);
}

function formDecode(text) {
  return percentDecode(text.replace(/\+/g, ' '));
}

function usv(value) {
  return toStr(value).replace(LONE_SURROGATE, '\ufffd');
}

class URLSearchParams {
  constructor(init) {
    this._list = [];
    if (init === undefined || init === null) return;
    if (typeof init === 'object' && typeof init[Symbol.iterator] === 'function') {
      for (const pair of init) {
        const items = isArray(pair) ? pair : [...pair];
        if (items.length !== 2) throw new TypeErrorCtor('URLSearchParams: each pair must have exactly two items');
        this._list.push([usv(items[0]), usv(items[1])]);
      }
      return;
    }
    if (typeof init === 'object') {
      for (const key of keysOf(init)) this._list.push([usv(key), usv(init[key])]);
      return;
    }
    let text = usv(init);
    if (text[0] === '?') text = text.slice(1);
    for (const part of text.split('&')) {
      if (part === '') continue;
      const at = part.indexOf('=');
      const name = at < 0 ? part : part.slice(0, at);
      const value = at < 0 ? '' : part.slice(at + 1);
      this._list.push([formDecode(name), formDecode(value)]);
    }
  }
  get size() { return this._list.length; }
  append(name, value) { this._list.push([usv(name), usv(value)]); }
  delete(name, value) {
    const n = usv(name);
    const v = value === undefined ? undefined : usv(value);
    this._list = this._list.filter(function (p) { return !(p[0] === n && (v === undefined || p[1] === v)); });
  }
  get(name) { const n = usv(name); for (const p of this._list) if (p[0] === n) return p[1]; return null; }
  getAll(name) { const n = usv(name); const out = []; for (const p of this._list) if (p[0] === n) out.push(p[1]); return out; }
  has(name, value) {
    const n = usv(name);
    const v = value === undefined ? undefined : usv(value);
    for (const p of this._list) if (p[0] === n && (v === undefined || p[1] === v)) return true;
    return false;
  }
  set(name, value) {
    const n = usv(name), v = usv(value);
    const at = this._list.findIndex(function (p) { return p[0] === n; });
    if (at < 0) { this._list.push([n, v]); return; }
    this._list[at][1] = v;
    this._list = this._list.filter(function (p, i) { return i <= at || p[0] !== n; });
  }
  sort() {
    // Stable sort by UTF-16 code units, as the URL standard asks.
    const indexed = this._list.map(function (p, i) { return [p, i]; });
    indexed.sort(function (a, b) { return a[0][0] < b[0][0] ? -1 : a[0][0] > b[0][0] ? 1 : a[1] - b[1]; });
    this._list = indexed.map(function (x) { return x[0]; });
  }
  forEach(callback, thisArg) { for (const p of this._list.slice()) callback.call(thisArg, p[1], p[0], this); }
  keys() { return this._list.map(function (p) { return p[0]; })[Symbol.iterator](); }
  values() { return this._list.map(function (p) { return p[1]; })[Symbol.iterator](); }
  entries() { return this._list.map(function (p) { return [p[0], p[1]]; })[Symbol.iterator](); }
  [Symbol.iterator]() { return this.entries(); }
  toString() { return this._list.map(function (p) { return formEncode(p[0]) + '=' + formEncode(p[1]); }).join('&'); }
}
define('URLSearchParams', URLSearchParams);
})`;

const HELPERS = JSON.stringify({ base64: BASE64_HELPERS, text: TEXT_HELPERS, url: URL_HELPERS });

export const PRELUDE_SOURCE = String.raw`(function (hostSend, hostLog) {
'use strict';
const G = globalThis;
const stringify = JSON.stringify;
const parse = JSON.parse;
const toStr = String;
const defineProperty = Object.defineProperty;
const globalEval = eval;
const ErrorCtor = Error;
const TypeErrorCtor = TypeError;
const SEND_ERROR = Symbol('plugboard.sendError');
const MAX_LOG = ${GUEST_LOG_LINE_CHARS};
const HELPERS = ${HELPERS};

function define(name, value) {
  defineProperty(G, name, { value: value, writable: true, configurable: true, enumerable: false });
}

const loaded = {};
const shared = {};
function load(group) {
  if (loaded[group] === true) return;
  globalEval(HELPERS[group])(define, shared, load);
  loaded[group] = true;
}

// A global that compiles its helper group on first read; assigning it simply replaces it.
function lazy(name, group) {
  defineProperty(G, name, {
    configurable: true,
    enumerable: false,
    get: function () { load(group); return G[name]; },
    set: function (value) { define(name, value); },
  });
}

function formatArg(value) {
  if (typeof value === 'string') return value;
  if (value instanceof ErrorCtor) return toStr(value.name) + ': ' + toStr(value.message);
  if (value !== null && typeof value === 'object') {
    try { const text = stringify(value); if (typeof text === 'string') return text; } catch (e) { /* fall through to String() */ }
  }
  try { return toStr(value); } catch (e) { return '[unprintable]'; }
}

function logger(level) {
  return function () {
    let line = '';
    for (let i = 0; i < arguments.length; i++) {
      line += (i > 0 ? ' ' : '') + formatArg(arguments[i]);
      if (line.length > MAX_LOG) break;
    }
    hostLog(level, line.length > MAX_LOG ? line.slice(0, MAX_LOG) : line);
  };
}

const consoleObject = {
  log: logger('info'),
  info: logger('info'),
  debug: logger('debug'),
  warn: logger('warn'),
  error: logger('error'),
};

define('console', consoleObject);
lazy('btoa', 'base64');
lazy('atob', 'base64');
lazy('TextEncoder', 'text');
lazy('TextDecoder', 'text');
lazy('URLSearchParams', 'url');

async function send(request) {
  if (request === null || typeof request !== 'object') throw new TypeErrorCtor('send(request): pass an object { method, url, headers, body }');
  const text = stringify({ method: request.method, url: request.url, headers: request.headers, body: request.body });
  return parse(await hostSend(text));
}

function describe(error) {
  const out = { name: 'Error', message: '', stack: '' };
  try {
    if (error !== null && (typeof error === 'object' || typeof error === 'function')) {
      out.name = toStr(error.name);
      out.message = toStr(error.message);
      if (typeof error.stack === 'string') out.stack = error.stack;
      if (typeof error[SEND_ERROR] === 'number') out.sendErrorId = error[SEND_ERROR];
    } else {
      out.name = 'thrown value';
      out.message = toStr(error);
    }
  } catch (e) {
    out.message = '(the thrown value could not be read)';
  }
  return out;
}

return {
  sendErrorMarker: SEND_ERROR,
  invoke: async function invoke(hook, inputJson) {
    const input = parse(inputJson);
    let response;
    try {
      response = await hook({ operationId: input.operationId, request: input.request, send: send });
    } catch (error) {
      return stringify({ ok: false, error: describe(error) });
    }
    try {
      const text = stringify({ ok: true, response: response === undefined ? null : response });
      if (typeof text !== 'string') throw new TypeErrorCtor('the response is not JSON data');
      return text;
    } catch (error) {
      const described = describe(error);
      return stringify({ ok: false, error: { name: 'TypeError', message: 'the returned response could not be turned into JSON (' + described.message + ') — return { status, headers, body } with plain data', stack: '' } });
    }
  },
};
})`;
