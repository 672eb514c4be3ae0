/**
 * Certification and string guidance (connector-corpus.md §9 and Microsoft Learn's connector string
 * guidance). Published connectors break these often, so they are warnings (parameter descriptions,
 * missing on most published parameters, are info).
 */
import { definitionIssue, operationLabel, propertiesIssue } from '../rule.ts';
import type { Rule, RuleContext } from '../rule.ts';
import type { Issue } from '../../../core/index.ts';
import type { Operation } from '../../model/operation.ts';

/** Limits and word lists of the certification guidance. */
export interface CertificationRules {
  readonly titleMaxLength: number;
  /** Words a title must not contain (Power Platform product names included). */
  readonly titleForbidden: readonly RegExp[];
  readonly descriptionMin: number;
  readonly descriptionMax: number;
  readonly summaryMaxLength: number;
  readonly brandColor: RegExp;
  /** Lower-case colours certification rejects (the platform defaults). */
  readonly disallowedBrandColors: readonly string[];
  readonly trailingPunctuation: RegExp;
}

/** The guidance, as data. */
export const CERTIFICATION: CertificationRules = {
  titleMaxLength: 30,
  titleForbidden: [/\bapi\b/i, /\bconnector\b/i, /\bpower\s*(automate|apps|platform|bi)\b/i, /\blogic\s*apps\b/i, /\bmicrosoft\s*flow\b/i],
  descriptionMin: 30,
  descriptionMax: 500,
  summaryMaxLength: 80,
  brandColor: /^#[0-9a-f]{6}$/i,
  disallowedBrandColors: ['#007ee5', '#ffffff'],
  trailingPunctuation: /[.,;:!?…]$/u,
};

function checkInfo(context: RuleContext, issues: Issue[]): void {
  const { info } = context.definition;
  const title = info.title.trim();
  if (title.length > CERTIFICATION.titleMaxLength) {
    issues.push(definitionIssue(context, 'cert-title-length', 'warning', '/info/title', `title "${title}" has ${title.length} characters — shorten it to at most ${CERTIFICATION.titleMaxLength}`));
  }
  const forbidden = CERTIFICATION.titleForbidden.map((pattern) => pattern.exec(title)?.[0]).find((word) => word !== undefined);
  if (forbidden !== undefined) {
    issues.push(definitionIssue(context, 'cert-title-words', 'warning', '/info/title', `title "${title}" contains "${forbidden}" — name the service only (no "API", "Connector" or Power Platform product names)`));
  }
  const description = info.description?.trim() ?? '';
  if (description.length < CERTIFICATION.descriptionMin || description.length > CERTIFICATION.descriptionMax) {
    issues.push(
      definitionIssue(
        context,
        'cert-description-length',
        'warning',
        '/info/description',
        `\`info.description\` has ${description.length} characters — describe the service in ${CERTIFICATION.descriptionMin}–${CERTIFICATION.descriptionMax} characters`,
      ),
    );
  }
  if (info.contact === undefined) {
    issues.push(definitionIssue(context, 'cert-contact-missing', 'warning', '/info', 'the definition has no `info.contact` — add {"name": …, "url": …, "email": …} of the connector owner'));
  }
  const metadata = info.metadata;
  const missing = [
    metadata?.website === undefined ? 'Website' : undefined,
    metadata?.privacyPolicy === undefined ? 'Privacy policy' : undefined,
    (metadata?.categories.length ?? 0) === 0 ? 'Categories' : undefined,
  ].filter((name) => name !== undefined);
  if (missing.length > 0) {
    const entries = missing.map((name) => `{"propertyName": "${name}", "propertyValue": …}`).join(', ');
    issues.push(
      metadata === undefined
        ? definitionIssue(context, 'cert-metadata-missing', 'warning', '', `the definition has no \`x-ms-connector-metadata\` — add it at the root with ${entries}`)
        : definitionIssue(context, 'cert-metadata-missing', 'warning', '/x-ms-connector-metadata', `\`x-ms-connector-metadata\` lacks ${missing.map((name) => `"${name}"`).join(', ')} — add ${entries}`),
    );
  }
  const color = info.iconBrandColor;
  if (context.definition.source.propertiesFile === undefined) return;
  if (color === undefined || !CERTIFICATION.brandColor.test(color)) {
    issues.push(propertiesIssue(context, 'cert-brand-color-invalid', 'warning', '/properties/iconBrandColor', `\`iconBrandColor\` is ${JSON.stringify(color ?? null)} — use the brand colour as "#rrggbb"`));
  } else if (CERTIFICATION.disallowedBrandColors.includes(color.toLowerCase())) {
    issues.push(propertiesIssue(context, 'cert-brand-color-default', 'warning', '/properties/iconBrandColor', `\`iconBrandColor\` is ${color}, a default colour certification rejects — use the service's real brand colour`));
  }
}

function hasResponseSchema(operation: Operation): boolean {
  if (operation.dynamicSchema !== undefined || operation.dynamicProperties !== undefined) return true;
  const responses = operation.responses ?? [];
  // No content is a legitimate answer: DELETEs and 202/204-only operations need no schema.
  if (operation.method === 'delete' || responses.some((response) => response.status === '204' || response.status === '202')) return true;
  return responses.some((response) => response.schema !== undefined && (response.status.startsWith('2') || response.status === 'default'));
}

function checkOperation(context: RuleContext, operation: Operation, issues: Issue[]): void {
  const label = `operation \`${operationLabel(operation)}\``;
  const summary = operation.summary?.trim();
  if (summary === undefined || summary === '') {
    issues.push(definitionIssue(context, 'cert-summary-missing', 'warning', operation.pointer, `${label} has no \`summary\` — add a short title (at most ${CERTIFICATION.summaryMaxLength} characters) shown in the designer`));
  } else {
    if (summary.length > CERTIFICATION.summaryMaxLength) {
      issues.push(definitionIssue(context, 'cert-summary-length', 'warning', `${operation.pointer}/summary`, `${label}: summary "${summary}" has ${summary.length} characters — shorten it to at most ${CERTIFICATION.summaryMaxLength}`));
    }
    if (CERTIFICATION.trailingPunctuation.test(summary)) {
      issues.push(definitionIssue(context, 'cert-summary-punctuation', 'warning', `${operation.pointer}/summary`, `${label}: summary "${summary}" ends with punctuation — remove the trailing "${summary.slice(-1)}"`));
    }
    if (summary.includes('/')) {
      issues.push(definitionIssue(context, 'cert-summary-slash', 'warning', `${operation.pointer}/summary`, `${label}: summary "${summary}" contains "/" — write "or"/"and" instead`));
    }
  }
  if ((operation.description?.trim() ?? '') === '') {
    issues.push(definitionIssue(context, 'cert-description-missing', 'warning', operation.pointer, `${label} has no \`description\` — add a sentence saying what it does`));
  }
  for (const parameter of operation.parameters) {
    if ((parameter.description?.trim() ?? '') !== '' || parameter.visibility === 'internal') continue;
    issues.push(
      definitionIssue(context, 'cert-parameter-description-missing', 'info', parameter.definedAt ?? parameter.pointer, `${label}: parameter \`${parameter.name}\` has no \`description\` — add one; makers see it as the field's help text`),
    );
  }
  if (operation.kind === 'action' && operation.responses !== undefined && !hasResponseSchema(operation)) {
    issues.push(
      definitionIssue(context, 'cert-response-schema-missing', 'warning', `${operation.pointer}/responses`, `action ${label.slice('operation '.length)} has no success response with a \`schema\` — describe what it returns, so flows can use its outputs`),
    );
  }
}

/** Runs the certification checks. */
export const checkCertification: Rule = (context) => {
  const issues: Issue[] = [];
  checkInfo(context, issues);
  for (const operation of context.definition.operations) checkOperation(context, operation, issues);
  return issues;
};
