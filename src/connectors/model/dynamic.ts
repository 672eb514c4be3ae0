/**
 * Normalized forms of the "dynamic" extensions, which make the designer call another operation of
 * the connector to fill a drop-down (`x-ms-dynamic-values`, `x-ms-dynamic-list`), to build a schema
 * at design time (`x-ms-dynamic-schema`, `x-ms-dynamic-properties`) or to browse a tree
 * (`x-ms-dynamic-tree`).
 */

/**
 * How one argument of the called operation is supplied:
 * - `parameter`: `{"parameter": "name"}` — the value of another parameter of this operation;
 * - `reference`: `{"parameterReference": "body/object"}` — the newer form, may be a path;
 * - `value`: `{"value": …}` — a constant (newer form);
 * - `selectedItem`: `{"selectedItemValuePath": "id"}` — in a dynamic tree's `browse`, a property of the item the user opened;
 * - `literal`: a bare constant (string, number, boolean, array, null or another object).
 */
export type DynamicArgument =
  | { readonly kind: 'parameter'; readonly name: string }
  | { readonly kind: 'reference'; readonly reference: string }
  | { readonly kind: 'value'; readonly value: unknown }
  | { readonly kind: 'selectedItem'; readonly path: string }
  | { readonly kind: 'literal'; readonly value: unknown };

/** The arguments of a dynamic call, keyed by the called operation's parameter name. */
export type DynamicArguments = Readonly<Record<string, DynamicArgument>>;

/** A dynamic extension written as a bare string (e.g. TPCPortal's `"TpcDynamicResolveContentSchemaschema"`), kept raw. */
export interface DynamicRaw {
  readonly form: 'raw';
  readonly raw: unknown;
}

/** `x-ms-dynamic-values`: `{operationId | capability, parameters, value-path, value-title, value-collection}`. */
export interface DynamicValues {
  readonly form: 'object';
  readonly operationId?: string;
  /** `file-picker` when the values come from a capability instead of an operation. */
  readonly capability?: string;
  readonly parameters: DynamicArguments;
  readonly valuePath?: string;
  readonly valueTitle?: string;
  readonly valueCollection?: string;
  /** Keys the model does not name, verbatim. */
  readonly extra?: Readonly<Record<string, unknown>>;
}

/** `x-ms-dynamic-list`: `{operationId, parameters, itemsPath, itemValuePath, itemTitlePath}`. */
export interface DynamicList {
  readonly form: 'object';
  readonly operationId?: string;
  readonly parameters: DynamicArguments;
  readonly itemsPath?: string;
  readonly itemValuePath?: string;
  readonly itemTitlePath?: string;
  readonly extra?: Readonly<Record<string, unknown>>;
}

/** `x-ms-dynamic-schema`: `{operationId, parameters, value-path}`. */
export interface DynamicSchema {
  readonly form: 'object';
  readonly operationId?: string;
  readonly parameters: DynamicArguments;
  readonly valuePath?: string;
  readonly extra?: Readonly<Record<string, unknown>>;
}

/** `x-ms-dynamic-properties`: `{operationId, parameters, itemValuePath}`. */
export interface DynamicProperties {
  readonly form: 'object';
  readonly operationId?: string;
  readonly parameters: DynamicArguments;
  readonly itemValuePath?: string;
  readonly extra?: Readonly<Record<string, unknown>>;
}

/** One side (`open` or `browse`) of an `x-ms-dynamic-tree`. */
export interface DynamicTreeCall {
  readonly operationId?: string;
  readonly parameters: DynamicArguments;
  readonly itemsPath?: string;
  readonly itemValuePath?: string;
  readonly itemTitlePath?: string;
  readonly itemFullTitlePath?: string;
  readonly itemIsParent?: string;
  readonly extra?: Readonly<Record<string, unknown>>;
}

/** `x-ms-dynamic-tree`: `{settings, open, browse}`. */
export interface DynamicTree {
  readonly form: 'object';
  readonly settings?: Readonly<Record<string, unknown>>;
  readonly open?: DynamicTreeCall;
  readonly browse?: DynamicTreeCall;
  readonly extra?: Readonly<Record<string, unknown>>;
}

/** The dynamic extensions carried by one parameter (or schema property). */
export interface DynamicBindings {
  readonly values?: DynamicValues | DynamicRaw;
  readonly list?: DynamicList | DynamicRaw;
  readonly schema?: DynamicSchema | DynamicRaw;
  readonly properties?: DynamicProperties | DynamicRaw;
  readonly tree?: DynamicTree | DynamicRaw;
}
