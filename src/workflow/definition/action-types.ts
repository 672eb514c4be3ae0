/**
 * The trigger and action types a definition may use (wdl.md §3, §4, §11), looked up
 * case-insensitively (quickstarts write `"type": "http"`, `"recurrence"`). Types seen in exports
 * but out of scope for Plugboard are known, so the message can say "not supported" rather than
 * "unknown".
 */

/** How a control action holds other actions. */
export type ActionShape = 'plain' | 'body' | 'if' | 'switch';

/** What the engine knows about one type. */
export interface TypeInfo {
  readonly name: string;
  /** False for types seen in exports that Plugboard does not run (integration account, Azure-only hosts). */
  readonly supported: boolean;
}

/** An action type. */
export interface ActionTypeInfo extends TypeInfo {
  /** `body`: Scope/Foreach/Until (`actions`); `if`: `actions` + `else.actions`; `switch`: `cases.*.actions` + `default.actions`. */
  readonly shape: ActionShape;
  /** Foreach and Until: repeated bodies, where variables may not be initialised and Terminate/Response may not appear. */
  readonly loop: boolean;
}

const action = (name: string, shape: ActionShape = 'plain', loop = false): ActionTypeInfo => ({ name, supported: true, shape, loop });
const unsupportedAction = (name: string): ActionTypeInfo => ({ name, supported: false, shape: 'plain', loop: false });

/** Every action type, canonical spelling. */
export const ACTION_TYPES: readonly ActionTypeInfo[] = Object.freeze([
  action('Compose'),
  action('ParseJson'),
  action('Query'),
  action('Select'),
  action('Join'),
  action('Table'),
  action('InitializeVariable'),
  action('SetVariable'),
  action('IncrementVariable'),
  action('DecrementVariable'),
  action('AppendToArrayVariable'),
  action('AppendToStringVariable'),
  action('If', 'if'),
  action('Switch', 'switch'),
  action('Foreach', 'body', true),
  action('Until', 'body', true),
  action('Scope', 'body'),
  action('Terminate'),
  action('Wait'),
  action('Http'),
  action('HttpWebhook'),
  action('Response'),
  action('ApiConnection'),
  action('ApiConnectionWebhook'),
  action('OpenApiConnection'),
  action('OpenApiConnectionWebhook'),
  action('Workflow'),
  action('Function'),
  action('JavaScriptCode'),
  action('Expression'),
  unsupportedAction('Xslt'),
  unsupportedAction('XmlValidation'),
  unsupportedAction('InvokeFunction'),
  unsupportedAction('CSharpScriptCode'),
  unsupportedAction('ServiceProvider'),
  unsupportedAction('Agent'),
]);

const trigger = (name: string, supported = true): TypeInfo => ({ name, supported });

/** Every trigger type, canonical spelling. */
export const TRIGGER_TYPES: readonly TypeInfo[] = Object.freeze([
  trigger('Recurrence'),
  trigger('SlidingWindow'),
  trigger('Request'),
  trigger('Http'),
  trigger('HttpWebhook'),
  trigger('ApiConnection'),
  trigger('ApiConnectionWebhook'),
  trigger('OpenApiConnection'),
  trigger('OpenApiConnectionWebhook'),
  trigger('ApiConnectionNotification'),
  trigger('ServiceProvider', false),
]);

function index<T extends TypeInfo>(types: readonly T[]): ReadonlyMap<string, T> {
  return new Map(types.map((info) => [info.name.toLowerCase(), info]));
}

const ACTIONS = index(ACTION_TYPES);
const TRIGGERS = index(TRIGGER_TYPES);

/** The action type written in any case (`foreach` → Foreach), or undefined. */
export function actionTypeOf(type: string): ActionTypeInfo | undefined {
  return ACTIONS.get(type.toLowerCase());
}

/** The trigger type written in any case (`recurrence` → Recurrence), or undefined. */
export function triggerTypeOf(type: string): TypeInfo | undefined {
  return TRIGGERS.get(type.toLowerCase());
}

/** The supported names, for messages: "Compose, ParseJson, …". */
export function supportedNames(types: readonly TypeInfo[]): string {
  return types.filter((info) => info.supported).map((info) => info.name).join(', ');
}
