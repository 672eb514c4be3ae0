/**
 * Manipulation functions for JSON and XML: addProperty, coalesce, removeProperty, setProperty,
 * xpath. Objects are never changed in place: each function returns a new object. Property names
 * such as `__proto__` are plain data.
 */
import { ValueError, copyRecord, floatValue, isContent, kindName, setOwn } from '../values.ts';
import { definer } from './arguments.ts';
import type { Arguments } from './arguments.ts';
import type { FunctionFamily, FunctionRuntime } from './runtime.ts';
import { isXmlNode, parseXml, selectXPath, serializeXml, xmlTextOf, xmlValue } from './xml.ts';
import type { Document } from '@xmldom/xmldom';

function objectArgument(args: Arguments): Record<string, unknown> {
  const value = args.raw(0);
  if (isContent(value)) return args.fail('argument 1 (object) must be a JSON object, not binary content');
  return copyRecord(args.object(0, 'object'));
}

/** The key of an existing property matching `name` exactly, then ignoring case; undefined when absent. */
function existingKey(object: Readonly<Record<string, unknown>>, name: string): string | undefined {
  if (Object.hasOwn(object, name)) return name;
  const lower = name.toLowerCase();
  return Object.keys(object).find((key) => key.toLowerCase() === lower);
}

/** An XPath result as WDL values: node sets become arrays (elements as XML values, attributes and text as strings). */
function xpathValue(result: unknown): unknown {
  if (typeof result === 'number') return floatValue(Number.isFinite(result) ? result : 0);
  if (typeof result === 'string' || typeof result === 'boolean' || result === null) return result;
  if (Array.isArray(result)) return result.map(nodeValue);
  return [nodeValue(result)];
}

/** Elements (and a whole document) as XML values; attributes, text, CDATA and comments as their text. */
function nodeValue(node: unknown): unknown {
  const ELEMENT = 1;
  const DOCUMENT = 9;
  if (!isXmlNode(node)) return null;
  if (node.nodeType === ELEMENT || node.nodeType === DOCUMENT) return xmlValue(serializeXml(node));
  return node.nodeValue ?? '';
}

/** The functions of this family. */
export function manipulationFunctions(runtime: FunctionRuntime): FunctionFamily {
  const { fn } = definer(runtime);
  return {
    addProperty: fn([3, 3], (args) => {
      const object = objectArgument(args);
      const name = args.string(1, 'property');
      if (existingKey(object, name) !== undefined) args.fail('argument 2 (property) already exists in the object; use setProperty() to change it');
      setOwn(object, [name, args.raw(2)]);
      return object;
    }),
    setProperty: fn([3, 3], (args) => {
      const object = objectArgument(args);
      const name = args.string(1, 'property');
      setOwn(object, [existingKey(object, name) ?? name, args.raw(2)]);
      return object;
    }),
    removeProperty: fn([2, 2], (args) => {
      const object = objectArgument(args);
      const key = existingKey(object, args.string(1, 'property'));
      if (key !== undefined) delete object[key];
      return object;
    }),
    coalesce: fn([1, Infinity], (args) => args.values.find((value) => value !== null && value !== undefined) ?? null),
    xpath: fn([2, 2], (args) => {
      const expression = args.string(1, 'xpath');
      let document: Document;
      try {
        document = parseXml(xmlTextOf(args.raw(0)));
      } catch (error) {
        if (error instanceof ValueError) return args.fail(`argument 1 (xml): ${error.message}`);
        throw error;
      }
      let result: unknown;
      try {
        result = selectXPath(expression, document);
      } catch (error) {
        return args.fail(`argument 2 (xpath) is not a valid XPath 1.0 expression: ${error instanceof Error ? error.message.split('\n')[0] : kindName(error)}`);
      }
      return xpathValue(result);
    }),
  };
}
