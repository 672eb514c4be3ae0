/**
 * XML for `xml()`, `json(xml(…))` and `xpath()`: parsing (well-formed only; no DTD entities are
 * expanded), XML values as `{ "$content-type": "application/xml;charset=utf-8", "$content": base64 }`,
 * and Json.NET's mapping between XML and JSON (`@attribute`, `#text`, repeated elements as arrays,
 * `?xml` for the declaration).
 */
import { createRequire } from 'node:module';
import { DOMParser, Node, XMLSerializer, onErrorStopParsing } from '@xmldom/xmldom';
import type { Document, Element } from '@xmldom/xmldom';
import { isRecord } from '../evaluate.ts';
import { MAX_VALUE_DEPTH, ValueError, contentBytes, contentOf, isContent, setOwn, utf8, wdlText } from '../values.ts';

/** The content type of XML values. */
export const XML_CONTENT_TYPE = 'application/xml;charset=utf-8';

/** True for an XML value (content envelope with an XML content type). */
export function isXmlContent(value: unknown): boolean {
  return isContent(value) && /xml/i.test(value['$content-type']);
}

/** An XML value of XML text. */
export function xmlValue(text: string): Record<string, unknown> {
  return contentOf(XML_CONTENT_TYPE, new TextEncoder().encode(text));
}

/** The XML text of an XML value or string; throws {@link ValueError} for other values. */
export function xmlTextOf(value: unknown): string {
  if (typeof value === 'string') return value;
  if (isContent(value)) return utf8(contentBytes(value));
  throw new ValueError('the value is not XML (pass a string of XML or the result of xml())');
}

/** Parses XML text, dropping white space between elements (as .NET's XmlDocument does); throws {@link ValueError}. */
export function parseXml(text: string): Document {
  let document: Document;
  try {
    document = new DOMParser({ onError: onErrorStopParsing }).parseFromString(text, 'text/xml');
  } catch (error) {
    throw new ValueError(`the text is not well-formed XML: ${error instanceof Error ? error.message.split('\n')[0] : 'parse error'}`);
  }
  if (document.documentElement === null) throw new ValueError('the text is not well-formed XML: it has no root element');
  dropWhitespace(document);
  return document;
}

function dropWhitespace(node: Node): void {
  const children = Array.from(node.childNodes);
  const hasElements = children.some((child) => child.nodeType === 1);
  for (const child of children) {
    if (child.nodeType === 3 && hasElements && (child.nodeValue ?? '').trim() === '') node.removeChild(child);
    else if (isElement(child)) dropWhitespace(child);
  }
}

/** Serializes a node as XML text. */
export function serializeXml(node: Node): string {
  return new XMLSerializer().serializeToString(node);
}

/** The part of the xpath package used here: XPath 1.0 over xmldom trees. */
interface XPathEngine {
  select(expression: string, node: Document): unknown;
}

/*
 * Loaded without its type declarations on purpose: they pull the whole DOM lib into the program
 * (`/// <reference lib="dom" />`), which changes global types such as BodyInit for every area.
 */
const xpathEngine: XPathEngine = createRequire(import.meta.url)('xpath');

/** Evaluates an XPath 1.0 expression on a parsed document; throws the library's error for a bad expression. */
export function selectXPath(expression: string, document: Document): unknown {
  return xpathEngine.select(expression, document);
}

/** True for a node of a parsed document (what node-set results of {@link selectXPath} hold). */
export function isXmlNode(value: unknown): value is Node {
  return value instanceof Node;
}

/** Json.NET's `SerializeXmlNode`: an XML document as JSON. */
export function xmlToJson(document: Document): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const child of Array.from(document.childNodes)) {
    if (child.nodeType === 7 && child.nodeName === 'xml') {
      const declaration: Record<string, unknown> = {};
      for (const match of (child.nodeValue ?? '').matchAll(/([\w:-]+)\s*=\s*(["'])(.*?)\2/g)) setOwn(declaration, [`@${match[1] ?? ''}`, match[3] ?? '']);
      setOwn(out, ['?xml', declaration]);
    } else if (isElement(child)) {
      addMember(out, [child.nodeName, elementToJson(child, 0)]);
    }
  }
  return out;
}

/** Node type guard (xmldom's nodes carry W3C node types). */
function isElement(node: Node): node is Element {
  return node.nodeType === 1;
}

function addMember(target: Record<string, unknown>, [name, value]: readonly [string, unknown]): void {
  if (!Object.hasOwn(target, name)) {
    setOwn(target, [name, value]);
    return;
  }
  const existing = target[name];
  if (Array.isArray(existing)) existing.push(value);
  else setOwn(target, [name, [existing, value]]);
}

function elementToJson(element: Element, depth: number): unknown {
  if (depth > MAX_VALUE_DEPTH) throw new ValueError(`the XML is nested more than ${MAX_VALUE_DEPTH} levels deep`);
  const attributes = Array.from(element.attributes);
  const children = Array.from(element.childNodes);
  if (attributes.length === 0 && children.length === 0) return null;
  if (attributes.length === 0 && children.length === 1 && (children[0]?.nodeType === 3 || children[0]?.nodeType === 4)) return children[0]?.nodeValue ?? '';
  const out: Record<string, unknown> = {};
  for (const attribute of attributes) setOwn(out, [`@${attribute.name}`, attribute.value]);
  for (const child of children) {
    if (isElement(child)) {
      addMember(out, [child.nodeName, elementToJson(child, depth + 1)]);
      continue;
    }
    switch (child.nodeType) {
      case 3:
        addMember(out, ['#text', child.nodeValue ?? '']);
        break;
      case 4:
        addMember(out, ['#cdata-section', child.nodeValue ?? '']);
        break;
      case 8:
        addMember(out, ['#comment', child.nodeValue ?? '']);
        break;
      default:
        break;
    }
  }
  return out;
}

/** Json.NET's `DeserializeXmlNode`: a JSON object with one root property as XML text. Throws {@link ValueError}. */
export function jsonToXml(value: unknown): string {
  if (!isRecord(value)) throw new ValueError('only an object can become XML (an object with one root property)');
  const keys = Object.keys(value).filter((key) => value[key] !== undefined);
  let declaration = '';
  const roots = keys.filter((key) => key !== '?xml');
  if (keys.includes('?xml')) {
    const attributes = value['?xml'];
    if (isRecord(attributes)) declaration = `<?xml${Object.keys(attributes).map((key) => ` ${key.replace(/^@/, '')}="${escapeXml(wdlText(attributes[key]), true)}"`).join('')}?>`;
  }
  if (roots.length !== 1) throw new ValueError(`the JSON object must have exactly one root property to become XML, not ${roots.length}`);
  const [root = ''] = roots;
  const rootValue = value[root];
  if (Array.isArray(rootValue)) throw new ValueError('the root property of the JSON object must not be an array (XML has one root element)');
  return declaration + writeElement([root, rootValue], 0);
}

function writeElement([name, value]: readonly [string, unknown], depth: number): string {
  if (depth > MAX_VALUE_DEPTH) throw new ValueError(`the JSON is nested more than ${MAX_VALUE_DEPTH} levels deep`);
  const tag = encodeName(name);
  if (Array.isArray(value)) return value.map((item) => (Array.isArray(item) ? failNested() : writeElement([name, item], depth + 1))).join('');
  if (value === null || value === undefined) return `<${tag} />`;
  if (!isRecord(value)) return `<${tag}>${escapeXml(scalarText(value), false)}</${tag}>`;
  let attributes = '';
  let content = '';
  for (const key of Object.keys(value)) {
    const child = value[key];
    if (child === undefined) continue;
    if (key.startsWith('@')) attributes += ` ${encodeName(key.slice(1))}="${escapeXml(scalarText(child), true)}"`;
    else if (key === '#text') content += escapeXml(scalarText(child), false);
    else if (key === '#cdata-section') content += `<![CDATA[${scalarText(child)}]]>`;
    else if (key === '#comment') content += `<!--${scalarText(child)}-->`;
    else if (key.startsWith('?') || key.startsWith('$')) continue;
    else content += writeElement([key, child], depth + 1);
  }
  return content === '' ? `<${tag}${attributes} />` : `<${tag}${attributes}>${content}</${tag}>`;
}

function failNested(): never {
  throw new ValueError('nested arrays cannot become XML');
}

/** Scalars as XML text: booleans lower-case (as Json.NET writes them), everything else as .NET writes it. */
function scalarText(value: unknown): string {
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  return wdlText(value);
}

function escapeXml(text: string, attribute: boolean): string {
  const escaped = text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
  return attribute ? escaped.replaceAll('"', '&quot;') : escaped;
}

/** .NET's `XmlConvert.EncodeName`: characters not allowed in XML names become `_xHHHH_`. */
function encodeName(name: string): string {
  if (name === '') throw new ValueError('an empty property name cannot become an XML element');
  let out = '';
  for (let i = 0; i < name.length; i++) {
    const c = name.charAt(i);
    const allowed = i === 0 ? /[A-Za-z_:\u00C0-\uFFFF]/.test(c) : /[A-Za-z0-9_:.\-\u00B7\u00C0-\uFFFF]/.test(c);
    out += allowed ? c : `_x${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}_`;
  }
  return out;
}
