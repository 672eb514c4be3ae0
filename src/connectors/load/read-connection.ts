/** Connection parameters and parameter sets of apiProperties.json. */
import { asArray, asFlag, asNumber, asRecord, asString, asStringArray, isRecord, nonEmpty } from '../model/json.ts';
import type {
  AllowedValue,
  ConnectionParameter,
  ConnectionParameterSets,
  ConnectionParameterSetValue,
  ConnectionParameterType,
  ConnectionParameterUi,
  OAuthSettings,
} from '../model/connection.ts';
import { escapePointer } from './pointer.ts';

const TYPES: ReadonlyMap<string, ConnectionParameterType> = new Map([
  ['string', 'string'],
  ['securestring', 'securestring'],
  ['oauthsetting', 'oauthSetting'],
  ['gatewaysetting', 'gatewaySetting'],
  ['int', 'int'],
  ['bool', 'bool'],
]);

function readAllowedValues(value: unknown): AllowedValue[] | undefined {
  const list = asArray(value);
  if (list === undefined) return undefined;
  const out: AllowedValue[] = [];
  for (const entry of list) {
    if (isRecord(entry)) out.push({ text: asString(entry['text']), value: entry['value'] } satisfies AllowedValue);
    else out.push({ value: entry });
  }
  return out;
}

function readTabIndex(value: unknown): number | undefined {
  if (typeof value === 'string' && /^\d+$/.test(value)) return Number(value);
  return asNumber(value);
}

const UI_KEYS = new Set(['displayName', 'description', 'tooltip', 'constraints']);

/** Reads a `uiDefinition`; `required`/`hidden`/`clearText` accept `"true"`/`"false"` strings. */
export function readConnectionUi(value: unknown): ConnectionParameterUi | undefined {
  const ui = asRecord(value);
  if (ui === undefined) return undefined;
  const constraints = asRecord(ui['constraints']) ?? {};
  const extra: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(ui)) if (!UI_KEYS.has(key)) extra[key] = item;
  if (ui['constraints'] !== undefined && !isRecord(ui['constraints'])) extra['constraints'] = ui['constraints'];
  const read = {
    required: asFlag(constraints['required']),
    hidden: asFlag(constraints['hidden']),
    clearText: asFlag(constraints['clearText']),
    tabIndex: readTabIndex(constraints['tabIndex']),
    allowedValues: readAllowedValues(constraints['allowedValues']),
  };
  const readValues: Readonly<Record<string, unknown>> = { ...read, capability: constraints['capability'] };
  for (const [key, item] of Object.entries(constraints)) if (readValues[key] === undefined) extra[`constraints.${key}`] = item;
  return {
    displayName: asString(ui['displayName']),
    description: asString(ui['description']),
    tooltip: asString(ui['tooltip']),
    ...read,
    capability: constraints['capability'],
    extra: nonEmpty(extra),
  } satisfies ConnectionParameterUi;
}

const OAUTH_KEYS = new Set(['identityProvider', 'clientId', 'clientSecret', 'scopes', 'redirectMode', 'redirectUrl', 'customParameters', 'properties']);

/** Reads `oAuthSettings`, dropping the client secret's value (only its presence is recorded). */
export function readOAuthSettings(value: unknown): OAuthSettings | undefined {
  const settings = asRecord(value);
  if (settings === undefined) return undefined;
  const extra: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(settings)) if (!OAUTH_KEYS.has(key)) extra[key] = item;
  const secret = settings['clientSecret'];
  // Some providers take the secret as a custom parameter too; it is dropped there as well.
  const customParameters: Record<string, unknown> = {};
  let secretInCustom = false;
  for (const [key, item] of Object.entries(asRecord(settings['customParameters']) ?? {})) {
    if (key.toLowerCase() === 'clientsecret') secretInCustom = true;
    else customParameters[key] = item;
  }
  return {
    identityProvider: asString(settings['identityProvider']),
    clientId: asString(settings['clientId']),
    scopes: asStringArray(settings['scopes']) ?? [],
    redirectMode: asString(settings['redirectMode']),
    redirectUrl: asString(settings['redirectUrl']),
    customParameters,
    properties: asRecord(settings['properties']) ?? {},
    hasClientSecret: secretInCustom || (typeof secret === 'string' ? secret.trim() !== '' : secret !== undefined && secret !== null),
    extra: nonEmpty(extra),
  } satisfies OAuthSettings;
}

const PARAMETER_KEYS = new Set(['type', 'uiDefinition', 'oAuthSettings', 'oauthSettings', 'gatewaySettings', 'defaultValue']);

/** Reads one connection parameter. */
export function readConnectionParameter(name: string, value: unknown, pointer: string): ConnectionParameter {
  const raw = asRecord(value) ?? {};
  const rawType = asString(raw['type']);
  const type = (rawType === undefined ? undefined : TYPES.get(rawType.toLowerCase())) ?? 'unknown';
  const extra: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(raw)) if (!PARAMETER_KEYS.has(key)) extra[key] = item;
  if (!isRecord(value) && value !== undefined) extra['value'] = value;
  const ui = readConnectionUi(raw['uiDefinition']);
  if (raw['uiDefinition'] !== undefined && ui === undefined) extra['uiDefinition'] = raw['uiDefinition'];
  const separator = name.indexOf(':');
  return {
    name,
    pointer,
    type,
    rawType: rawType === type ? undefined : (rawType ?? ''),
    ui,
    oauth: readOAuthSettings(raw['oAuthSettings'] ?? raw['oauthSettings']),
    gateway: asRecord(raw['gatewaySettings']),
    belongsTo: separator > 0 && separator < name.length - 1 ? { parameter: name.slice(0, separator), key: name.slice(separator + 1) } : undefined,
    defaultValue: raw['defaultValue'],
    extra: nonEmpty(extra),
  } satisfies ConnectionParameter;
}

/** Reads a `connectionParameters` map. */
export function readConnectionParameters(value: unknown, pointer: string): ConnectionParameter[] {
  const record = asRecord(value);
  if (record === undefined) return [];
  return Object.entries(record).map(([name, item]) => readConnectionParameter(name, item, `${pointer}/${escapePointer(name)}`));
}

function readSetUi(value: unknown): ConnectionParameterSets['uiDefinition'] {
  const ui = asRecord(value);
  if (ui === undefined) return undefined;
  const extra: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(ui)) if (key !== 'displayName' && key !== 'description') extra[key] = item;
  return { displayName: asString(ui['displayName']), description: asString(ui['description']), extra: nonEmpty(extra) };
}

/** Reads `connectionParameterSets`: `{uiDefinition, values: [{name, uiDefinition, metadata, parameters}]}`. */
export function readConnectionParameterSets(value: unknown, pointer: string): ConnectionParameterSets | undefined {
  const record = asRecord(value);
  if (record === undefined) return undefined;
  const values: ConnectionParameterSetValue[] = [];
  const list = asArray(record['values']) ?? [];
  for (let index = 0; index < list.length; index += 1) {
    const entry = asRecord(list[index]) ?? {};
    const at = `${pointer}/values/${index}`;
    values.push(
      ({
        name: asString(entry['name']) ?? '',
        pointer: at,
        uiDefinition: readSetUi(entry['uiDefinition']),
        metadata: asRecord(entry['metadata']),
        parameters: readConnectionParameters(entry['parameters'], `${at}/parameters`),
      } satisfies ConnectionParameterSetValue),
    );
  }
  return { pointer, uiDefinition: readSetUi(record['uiDefinition']), values } satisfies ConnectionParameterSets;
}
