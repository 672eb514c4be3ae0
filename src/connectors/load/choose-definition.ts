/** Picks the API definition file of a folder: the standard name first, then looser matches with a warning. */
import type { Issue } from '../../core/index.ts';
import { asString } from '../model/json.ts';
import type { FolderFiles } from './find-files.ts';
import { documentKindOf, parseSourceFile } from './read-source-document.ts';
import type { ResolvedLimits } from './read-source-document.ts';
import type { SourceFile } from './source.ts';

/** The chosen file and its parsed content (undefined when it did not parse; the issues say why). */
export interface ChosenDefinition {
  readonly file: SourceFile;
  readonly value: unknown;
}

const STANDARD_NAME = 'apiDefinition.swagger.json';

function list(files: readonly SourceFile[]): string {
  return files.map((file) => `\`${file.name}\``).join(', ');
}

function nameWarning(file: SourceFile, how: string): Issue {
  return {
    code: 'definition-file-name',
    severity: 'warning',
    path: '',
    file: file.name,
    message: `the API definition was read from \`${file.name}\` (${how}); Power Platform tooling expects \`${STANDARD_NAME}\` — rename the file`,
  };
}

/**
 * Chooses the definition: `apiDefinition.swagger.json` in any case; else the file settings.json
 * names; else the one `*.swagger.json|yaml`; else the one JSON/YAML file that is an OpenAPI or
 * Postman document. Returns undefined with one error when there is none or the choice is ambiguous.
 */
export function chooseDefinition(
  files: FolderFiles,
  context: { all: readonly SourceFile[]; settings: Readonly<Record<string, unknown>> | undefined; limits: ResolvedLimits; issues: Issue[]; folder: string },
): ChosenDefinition | undefined {
  const { issues, limits } = context;
  const parse = (file: SourceFile): ChosenDefinition => ({ file, value: parseSourceFile(file, { limits, issues }) });
  if (files.standardDefinition !== undefined) return parse(files.standardDefinition);
  const named = asString(context.settings?.['apiDefinition'])?.toLowerCase();
  const fromSettings = named === undefined ? undefined : context.all.find((file) => file.name.toLowerCase() === named);
  if (fromSettings !== undefined) {
    issues.push(nameWarning(fromSettings, 'named by settings.json `apiDefinition`'));
    return parse(fromSettings);
  }
  if (files.swaggerNamed.length === 1 && files.swaggerNamed[0] !== undefined) {
    issues.push(nameWarning(files.swaggerNamed[0], 'the only `*.swagger.*` file'));
    return parse(files.swaggerNamed[0]);
  }
  if (files.swaggerNamed.length > 1) {
    issues.push(ambiguous(files.swaggerNamed));
    return undefined;
  }
  const only = files.otherDocuments.length === 1 ? files.otherDocuments[0] : undefined;
  if (only !== undefined) {
    issues.push(nameWarning(only, 'the only JSON/YAML file besides apiProperties.json and settings.json'));
    return parse(only);
  }
  const documents: ChosenDefinition[] = [];
  for (const file of files.otherDocuments) {
    const probeIssues: Issue[] = [];
    const value = parseSourceFile(file, { limits, issues: probeIssues });
    if (documentKindOf(value) !== undefined) {
      issues.push(...probeIssues);
      documents.push({ file, value });
    }
  }
  const single = documents.length === 1 ? documents[0] : undefined;
  if (single !== undefined) {
    issues.push(nameWarning(single.file, 'the only OpenAPI/Postman document in the folder'));
    return single;
  }
  if (documents.length > 1) {
    issues.push(ambiguous(documents.map((document) => document.file)));
    return undefined;
  }
  const found = context.all.length === 0 ? 'the folder is empty' : `found ${list(context.all)}`;
  issues.push({
    code: 'definition-missing',
    severity: 'error',
    path: '',
    message: `no API definition in \`${context.folder}\`: ${found} — add \`${STANDARD_NAME}\` (or a single \`*.swagger.json\`/\`*.swagger.yaml\`, OpenAPI 3 or Postman v2.1 file)`,
  });
  return undefined;
}

function ambiguous(files: readonly SourceFile[]): Issue {
  return {
    code: 'definition-ambiguous',
    severity: 'error',
    path: '',
    message: `several files could be the API definition: ${list(files)} — keep one, or name it \`${STANDARD_NAME}\``,
  };
}
