/** Recognises the files of a connector folder by name, case-insensitively. */
import type { CustomCode } from '../model/definition.ts';
import type { SourceFile } from './source.ts';

/** The files of a folder, sorted into roles. */
export interface FolderFiles {
  /** `apiDefinition.swagger.json` in any case. */
  readonly standardDefinition?: SourceFile;
  /** `*.swagger.json` / `*.swagger.yaml` / `*.swagger.yml` with another name. */
  readonly swaggerNamed: readonly SourceFile[];
  /** Other JSON/YAML files that might be the definition. */
  readonly otherDocuments: readonly SourceFile[];
  readonly properties?: SourceFile;
  readonly settings?: SourceFile;
  readonly icon?: SourceFile;
  /** Custom code files, preferred first (TypeScript, JavaScript, then C#). */
  readonly scripts: readonly { readonly file: SourceFile; readonly language: CustomCode['language'] }[];
}

const SCRIPT_ORDER: Readonly<Record<CustomCode['language'], number>> = { typescript: 0, javascript: 1, csharp: 2 };

function scriptLanguage(lower: string): CustomCode['language'] | undefined {
  if (lower === 'script.ts') return 'typescript';
  if (lower === 'script.js') return 'javascript';
  if (lower.endsWith('.csx') || lower === 'script.cs') return 'csharp';
  return undefined;
}

/** Sorts a folder's files into roles (pure name matching; content is not looked at). */
export function findConnectorFiles(files: readonly SourceFile[]): FolderFiles {
  let standardDefinition: SourceFile | undefined;
  let properties: SourceFile | undefined;
  let settings: SourceFile | undefined;
  let icon: SourceFile | undefined;
  const swaggerNamed: SourceFile[] = [];
  const otherDocuments: SourceFile[] = [];
  const scripts: { file: SourceFile; language: CustomCode['language'] }[] = [];
  for (const file of [...files].sort((a, b) => a.name.localeCompare(b.name))) {
    const lower = file.name.toLowerCase();
    const language = scriptLanguage(lower);
    if (lower === 'apidefinition.swagger.json') standardDefinition ??= file;
    else if (lower === 'apiproperties.json') properties ??= file;
    else if (lower === 'settings.json') settings ??= file;
    else if (lower === 'icon.png') icon ??= file;
    else if (language !== undefined) scripts.push({ file, language });
    else if (/\.swagger\.(json|ya?ml)$/.test(lower)) swaggerNamed.push(file);
    else if (/\.(json|ya?ml)$/.test(lower)) otherDocuments.push(file);
  }
  scripts.sort((a, b) => SCRIPT_ORDER[a.language] - SCRIPT_ORDER[b.language]);
  return { standardDefinition, swaggerNamed, otherDocuments, properties, settings, icon, scripts };
}

/** The parse format implied by a file name. */
export function formatOf(name: string): 'json' | 'yaml' | 'auto' {
  const lower = name.toLowerCase();
  if (lower.endsWith('.json')) return 'json';
  if (lower.endsWith('.yaml') || lower.endsWith('.yml')) return 'yaml';
  return 'auto';
}
