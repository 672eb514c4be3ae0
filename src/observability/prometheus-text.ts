/**
 * The Prometheus text exposition format (version 0.0.4): per family a `# HELP` and a `# TYPE` line,
 * then one line per sample, `name{label="value",…} number`. Label values escape `\`, `"` and line
 * feeds; help text escapes `\` and line feeds.
 */
import type { MetricFamily } from './metrics-registry.ts';

/** The Content-Type of {@link formatPrometheusText}'s output. */
export const PROMETHEUS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

/** Escapes a label value for use between double quotes. */
export function escapeLabelValue(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

/** Escapes `# HELP` text (backslash and line feed only, as the format says). */
export function escapeHelp(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
}

/** A sample value as Prometheus writes it: `+Inf`, `-Inf`, `NaN` or a decimal number. */
export function formatSampleValue(value: number): string {
  if (value === Number.POSITIVE_INFINITY) return '+Inf';
  if (value === Number.NEGATIVE_INFINITY) return '-Inf';
  if (Number.isNaN(value)) return 'NaN';
  return String(value);
}

/** Renders collected families as the text format (ends with a line feed). */
export function formatPrometheusText(families: readonly MetricFamily[]): string {
  const lines: string[] = [];
  for (const family of families) {
    lines.push(`# HELP ${family.name} ${escapeHelp(family.help)}`, `# TYPE ${family.name} ${family.type}`);
    for (const sample of family.samples) {
      const labels = sample.labels.length === 0 ? '' : `{${sample.labels.map(([name, value]) => `${name}="${escapeLabelValue(value)}"`).join(',')}}`;
      lines.push(`${family.name}${sample.suffix}${labels} ${formatSampleValue(sample.value)}`);
    }
  }
  return lines.length === 0 ? '' : `${lines.join('\n')}\n`;
}
