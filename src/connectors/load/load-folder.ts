/** Loads a Power Platform connector folder: definition + apiProperties.json + settings.json + icon + custom code. */
import type { Issue } from '../../core/index.ts';
import { asRecord } from '../model/json.ts';
import type { ConnectorSourceInfo, CustomCode } from '../model/definition.ts';
import { assembleDefinition } from './assemble.ts';
import { chooseDefinition } from './choose-definition.ts';
import { createRefResolver } from './dependencies.ts';
import { findConnectorFiles } from './find-files.ts';
import type { FolderFiles } from './find-files.ts';
import { readCustomCode, readIcon } from './read-assets.ts';
import { readDocument } from './read-document.ts';
import { readProperties } from './read-properties.ts';
import type { PropertiesParts } from './read-properties.ts';
import { fileTooLarge, parseSourceFile, toSwagger2 } from './read-source-document.ts';
import type { ResolvedLimits } from './read-source-document.ts';
import type { LoadResult, SourceFile } from './source.ts';

function readSettings(file: SourceFile | undefined, limits: ResolvedLimits, issues: Issue[]): Record<string, unknown> | undefined {
  if (file === undefined) return undefined;
  const value = parseSourceFile(file, { limits, issues, severity: 'warning' });
  const record = asRecord(value);
  if (value !== undefined && record === undefined) {
    issues.push({ code: 'settings-invalid', severity: 'warning', path: '', file: file.name, message: `\`${file.name}\` is not a JSON object — write it as paconn does ({"connectorId": …, "apiDefinition": …}); it was ignored` });
  }
  return record;
}

function readFolderProperties(file: SourceFile | undefined, limits: ResolvedLimits, issues: Issue[]): { parts: PropertiesParts | undefined; broken: boolean } {
  if (file === undefined) {
    issues.push({
      code: 'properties-missing',
      severity: 'warning',
      path: '',
      message: 'the folder has no apiProperties.json — connection parameters are derived from securityDefinitions; add apiProperties.json to set them, the brand colour and policies',
    });
    return { parts: undefined, broken: false };
  }
  const value = parseSourceFile(file, { limits, issues });
  if (value === undefined) return { parts: undefined, broken: true };
  return { parts: readProperties(value, { file: file.name, issues }), broken: false };
}

function readFolderCustomCode(files: FolderFiles, limits: ResolvedLimits, issues: Issue[]): CustomCode | undefined {
  const [first, ...others] = files.scripts;
  if (first === undefined) return undefined;
  if (others.length > 0) {
    issues.push({
      code: 'custom-code-multiple',
      severity: 'info',
      path: '',
      file: first.file.name,
      message: `several custom code files: \`${first.file.name}\` is used, ${others.map((other) => `\`${other.file.name}\``).join(', ')} ignored — keep one`,
    });
  }
  if (first.language === 'csharp' || first.file.bytes !== undefined) return readCustomCode({ name: first.file.name, bytes: first.file.bytes ?? new Uint8Array() }, first.language);
  issues.push(fileTooLarge(first.file, limits.maxBytes, 'warning'));
  return { language: first.language, file: first.file.name };
}

/** Loads a folder; see {@link loadConnector}. */
export function loadFolder(source: { path: string; files: readonly SourceFile[] }, limits: ResolvedLimits): LoadResult {
  const issues: Issue[] = [];
  const files = findConnectorFiles(source.files);
  const settings = readSettings(files.settings, limits, issues);
  const chosen = chooseDefinition(files, { all: source.files, settings, limits, issues, folder: source.path });
  if (chosen === undefined || chosen.value === undefined) return { definition: undefined, issues };
  const definitionFile = chosen.file.name;
  const api = toSwagger2(chosen.value, { file: definitionFile, issues });
  if (api === undefined) return { definition: undefined, issues };
  const document = readDocument(api.document, { file: definitionFile, resolver: createRefResolver(api.document, { file: definitionFile }), issues });
  const properties = readFolderProperties(files.properties, limits, issues);
  let icon: string | undefined;
  if (files.icon?.bytes !== undefined) icon = readIcon(files.icon.bytes, { file: files.icon.name, issues });
  else if (files.icon !== undefined) issues.push(fileTooLarge(files.icon, limits.maxBytes, 'warning'));
  const customCode = readFolderCustomCode(files, limits, issues);
  const used = [files.settings, chosen.file, files.properties, files.icon, files.scripts[0]?.file].filter((file) => file !== undefined);
  const sourceInfo = ({
    kind: 'power-platform-folder',
    documentKind: api.kind,
    path: source.path,
    definitionFile,
    propertiesFile: files.properties?.name,
    settingsFile: files.settings?.name,
    iconFile: icon === undefined ? undefined : files.icon?.name,
    filesUsed: used.map((file) => file.name),
    customCode,
    settings,
  } satisfies ConnectorSourceInfo);
  const definition = assembleDefinition({ source: sourceInfo, document, properties: properties.parts, deriveConnection: !properties.broken, icon, issues });
  return { definition, issues };
}
