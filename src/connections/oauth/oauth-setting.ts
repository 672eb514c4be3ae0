/** Finds the `oauthSetting` connection parameter of a connector (top level or in a parameter set). */
import { UserInputError } from '../../core/index.ts';
import type { ConnectionParameter, ConnectorDefinition, OAuthSettings } from '../../connectors/index.ts';
import { OAuthErrorCode } from './errors.ts';

/** Which parameter to use, when a connector has sets or several `oauthSetting` parameters. */
export interface OAuthSettingSelector {
  /** The connector's name, for messages. */
  readonly connector: string;
  readonly parameterSet?: string | undefined;
  readonly parameterName?: string | undefined;
}

/** The `oauthSetting` parameter found, and the parameters declared next to it (for `allowedValues`). */
export interface FoundOAuthSetting {
  readonly parameter: ConnectionParameter;
  readonly setting: OAuthSettings;
  readonly parameters: readonly ConnectionParameter[];
}

/** The connector's `oauthSetting` parameter; a clear error when there is none or the choice is ambiguous. */
export function findOAuthSetting(definition: ConnectorDefinition, selector: OAuthSettingSelector): FoundOAuthSetting {
  const { connection } = definition;
  const { connector } = selector;
  let parameters = connection.parameters;
  if (selector.parameterSet !== undefined) {
    const sets = connection.parameterSets?.values ?? [];
    const set = sets.find((s) => s.name === selector.parameterSet) ?? sets.find((s) => s.name.toLowerCase() === selector.parameterSet?.toLowerCase());
    if (set === undefined) {
      const names = sets.map((s) => `\`${s.name}\``).join(', ');
      throw new UserInputError(
        `connector \`${connector}\` has no connection parameter set \`${selector.parameterSet}\`${names === '' ? ' (it has no parameter sets)' : ` — use one of ${names}`}`,
        { code: OAuthErrorCode.SettingNotFound },
      );
    }
    parameters = set.parameters;
  }
  const candidates = parameters.filter((p) => p.type === 'oauthSetting' && p.oauth !== undefined);
  let parameter: ConnectionParameter | undefined;
  if (selector.parameterName !== undefined) {
    parameter = candidates.find((p) => p.name === selector.parameterName);
  } else if (candidates.length === 1) {
    parameter = candidates[0];
  } else {
    parameter = candidates.find((p) => p.name === 'token');
  }
  if (parameter?.oauth === undefined) {
    const setHint =
      selector.parameterSet === undefined && (connection.parameterSets?.values.length ?? 0) > 0
        ? ` — its OAuth parameters are in connection parameter sets; choose one of ${(connection.parameterSets?.values ?? []).map((s) => `\`${s.name}\``).join(', ')}`
        : candidates.length > 1
          ? ` — name one of ${candidates.map((p) => `\`${p.name}\``).join(', ')}`
          : ' — the connector does not use OAuth; use its other authentication parameters';
    const what = selector.parameterName === undefined ? 'no OAuth (`oauthSetting`) connection parameter' : `no OAuth connection parameter \`${selector.parameterName}\``;
    throw new UserInputError(`connector \`${connector}\` has ${what}${setHint}`, { code: OAuthErrorCode.SettingNotFound });
  }
  return { parameter, setting: parameter.oauth, parameters };
}
