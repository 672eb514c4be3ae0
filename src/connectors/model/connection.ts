/** Connection parameters (`apiProperties.json` → `connectionParameters`, `connectionParameterSets`). */

/** Parameter types the platform knows; `unknown` keeps anything else (see `rawType`). */
export type ConnectionParameterType = 'string' | 'securestring' | 'oauthSetting' | 'gatewaySetting' | 'int' | 'bool' | 'unknown';

/** One `{text, value}` choice of a drop-down connection parameter. */
export interface AllowedValue {
  readonly text?: string;
  readonly value: unknown;
}

/** `uiDefinition` of a connection parameter: how the connection dialog shows it. */
export interface ConnectionParameterUi {
  readonly displayName?: string;
  readonly description?: string;
  readonly tooltip?: string;
  readonly required?: boolean;
  readonly hidden?: boolean;
  readonly clearText?: boolean;
  readonly tabIndex?: number;
  readonly allowedValues?: readonly AllowedValue[];
  readonly capability?: unknown;
  /** Other `uiDefinition` / `constraints` keys, verbatim (`constraints.*` keys are prefixed `constraints.`). */
  readonly extra?: Readonly<Record<string, unknown>>;
}

/**
 * `oAuthSettings` of an `oauthSetting` parameter. A client secret is never kept: the definition is
 * shareable data, and real secrets are configured per environment.
 */
export interface OAuthSettings {
  /** `oauth2`, `aad`, `oauth2generic`, `aadcertificate`, … as written. */
  readonly identityProvider?: string;
  readonly clientId?: string;
  readonly scopes: readonly string[];
  readonly redirectMode?: string;
  readonly redirectUrl?: string;
  /** e.g. `{authorizationUrl: {value}, tokenUrl: {value}}` or `{loginUri, tenantId, resourceUri}`. */
  readonly customParameters: Readonly<Record<string, unknown>>;
  /** e.g. `{IsFirstParty, IsOnbehalfofLoginSupported, AzureActiveDirectoryResourceId}`. */
  readonly properties: Readonly<Record<string, unknown>>;
  /** The file carried a non-empty `clientSecret` (its value is not kept). */
  readonly hasClientSecret: boolean;
  readonly extra?: Readonly<Record<string, unknown>>;
}

/** One connection parameter. */
export interface ConnectionParameter {
  /** e.g. `api_key`, `token`, `token:TenantId`. */
  readonly name: string;
  /** Pointer into apiProperties.json (or into the definition, for derived parameters). */
  readonly pointer: string;
  readonly type: ConnectionParameterType;
  /** The type as written, when it differs from `type` (mis-cased `oAuthSetting`, unknown types). */
  readonly rawType?: string;
  readonly ui?: ConnectionParameterUi;
  readonly oauth?: OAuthSettings;
  /** `gatewaySettings` of a `gatewaySetting` parameter, verbatim. */
  readonly gateway?: Readonly<Record<string, unknown>>;
  /** For `token:X` names: X belongs to the `token` (OAuth) parameter. */
  readonly belongsTo?: { readonly parameter: string; readonly key: string };
  readonly defaultValue?: unknown;
  readonly extra?: Readonly<Record<string, unknown>>;
}

/** One alternative of `connectionParameterSets` (e.g. "OAuth" vs "API key"). */
export interface ConnectionParameterSetValue {
  readonly name: string;
  readonly pointer: string;
  readonly uiDefinition?: { readonly displayName?: string; readonly description?: string; readonly extra?: Readonly<Record<string, unknown>> };
  readonly metadata?: Readonly<Record<string, unknown>>;
  readonly parameters: readonly ConnectionParameter[];
}

/** `connectionParameterSets`: the user picks one value, whose parameters then apply. */
export interface ConnectionParameterSets {
  readonly pointer: string;
  readonly uiDefinition?: { readonly displayName?: string; readonly description?: string; readonly extra?: Readonly<Record<string, unknown>> };
  readonly values: readonly ConnectionParameterSetValue[];
}

/** Everything a connection of this connector needs. */
export interface ConnectionModel {
  readonly parameters: readonly ConnectionParameter[];
  readonly parameterSets?: ConnectionParameterSets;
  /** True when the parameters were derived from `securityDefinitions` (no apiProperties.json). */
  readonly derived: boolean;
}
