/** Reads one JSON/YAML file of a connector: size check, tolerant parse, and (for API documents) kind detection and conversion. */
import type { Issue } from '../../core/index.ts';
import { asRecord, isRecord } from '../model/json.ts';
import type { DefinitionDocumentKind } from '../model/definition.ts';
import { checkRefs, convertOpenApi3ToSwagger2, convertPostmanToSwagger2, detectDocumentKind, parseDocument } from './dependencies.ts';
import type { ParseLimits } from './dependencies.ts';
import { formatOf } from './find-files.ts';
import type { SourceFile } from './source.ts';

/** Limits after merging the caller's partial limits over the defaults. */
export type ResolvedLimits = ParseLimits;

function megabytes(bytes: number): string {
  return `${(bytes / (1024 * 1024)).toFixed(1)} MiB`;
}

/** The file-too-large issue for a file the catalog did not read or that exceeds the limit. */
export function fileTooLarge(file: SourceFile, limit: number, severity: Issue['severity']): Issue {
  return {
    code: 'file-too-large',
    severity,
    path: '',
    file: file.name,
    message: `\`${file.name}\` is ${megabytes(file.size)}, over the ${megabytes(limit)} limit, and was not read — shrink the file or raise the limit`,
  };
}

/** Parses a JSON/YAML file; undefined when it could not be read or parsed (the issues say why). */
export function parseSourceFile(file: SourceFile, options: { limits: ResolvedLimits; issues: Issue[]; severity?: Issue['severity'] }): unknown {
  if (file.bytes === undefined) {
    options.issues.push(fileTooLarge(file, options.limits.maxBytes, options.severity ?? 'error'));
    return undefined;
  }
  const parsed = parseDocument(file.bytes, { file: file.name, format: formatOf(file.name), limits: options.limits });
  options.issues.push(...parsed.issues);
  return parsed.ok ? parsed.value : undefined;
}

/** The kind of an API document, or undefined when it is none of the supported kinds. */
export function documentKindOf(value: unknown): DefinitionDocumentKind | undefined {
  const kind = detectDocumentKind(value);
  return kind === 'unknown' ? undefined : kind;
}

function unsupportedIssue(file: string, value: unknown): Issue {
  const record = asRecord(value);
  const version = record === undefined ? undefined : (record['swaggerVersion'] ?? record['swagger'] ?? record['openapi']);
  if (record !== undefined && (record['swaggerVersion'] !== undefined || (typeof record['swagger'] === 'string' && record['swagger'].startsWith('1')))) {
    return {
      code: 'definition-version-unsupported',
      severity: 'error',
      path: record['swaggerVersion'] !== undefined ? '/swaggerVersion' : '/swagger',
      file,
      message: `\`${file}\` is Swagger ${String(version)}, which is not supported — convert it to OpenAPI 2.0 or 3.x (e.g. with the swagger2openapi or api-spec-converter tools) and load the result`,
    };
  }
  if (version !== undefined) {
    return {
      code: 'definition-version-unsupported',
      severity: 'error',
      path: record?.['openapi'] !== undefined ? '/openapi' : '/swagger',
      file,
      message: `\`${file}\` declares version \`${String(version)}\`, which is not supported — use \`"swagger": "2.0"\` or \`"openapi": "3.0.x"/"3.1.x"\``,
    };
  }
  return {
    code: 'definition-kind-unknown',
    severity: 'error',
    path: '',
    file,
    message: `\`${file}\` is not an OpenAPI 2.0, OpenAPI 3.x or Postman v2.1 document (it has no \`swagger: "2.0"\`, \`openapi: "3.x"\` or Postman \`info.schema\`) — export the API description in one of these formats`,
  };
}

/** A Swagger 2.0 document ready to normalize, and what it was before conversion. */
export interface ApiDocument {
  readonly document: Readonly<Record<string, unknown>>;
  readonly kind: DefinitionDocumentKind;
}

/**
 * Turns a parsed API document into Swagger 2.0: OpenAPI 3 and Postman are converted; other inputs
 * yield an error issue naming the fix. `$ref`s of the result are checked once here.
 */
export function toSwagger2(value: unknown, options: { file: string; issues: Issue[] }): ApiDocument | undefined {
  const kind = documentKindOf(value);
  if (kind === undefined) {
    options.issues.push(unsupportedIssue(options.file, value));
    return undefined;
  }
  let document: Readonly<Record<string, unknown>> | undefined;
  if (kind === 'swagger2') document = asRecord(value);
  else {
    const conversion = kind === 'openapi3' ? convertOpenApi3ToSwagger2(value, { file: options.file }) : convertPostmanToSwagger2(value, { file: options.file });
    options.issues.push(...conversion.issues);
    document = conversion.document;
    if (document === undefined && !conversion.issues.some((issue) => issue.severity === 'error')) {
      options.issues.push({ code: 'conversion-failed', severity: 'error', path: '', file: options.file, message: `\`${options.file}\` (${kind}) could not be converted to OpenAPI 2.0 — check the document against its specification` });
    }
  }
  if (document === undefined || !isRecord(document)) return undefined;
  options.issues.push(...checkRefs(document, { file: options.file }));
  return { document, kind };
}
