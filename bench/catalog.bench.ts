/**
 * `npm run bench:catalog` — load and validate every connector of the corpus
 * (../shared/corpus/powerplatform-connectors), printing count, wall time and peak RSS.
 *
 * Baseline, measured in the same run: reading the same definition and properties files and
 * `JSON.parse`-ing them (no repair, no model, no validation). Each side runs in its own child
 * process so that peak RSS is its own. Target (DESIGN.md §5): < 2 s and < 300 MB.
 * The last line prints the ratios.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const corpus = resolve(import.meta.dirname, '..', '..', 'shared', 'corpus', 'powerplatform-connectors');

function connectorFolders(): string[] {
  const folders: string[] = [];
  for (const group of ['certified-connectors', 'independent-publisher-connectors', 'custom-connectors']) {
    for (const entry of readdirSync(join(corpus, group), { withFileTypes: true })) {
      if (entry.isDirectory()) folders.push(join(corpus, group, entry.name));
    }
  }
  return folders.sort();
}

interface Figures {
  readonly count: number;
  readonly loaded: number;
  readonly errors: number;
  readonly warnings: number;
  readonly wallMs: number;
  readonly peakRssMb: number;
}

async function runOurs(folders: readonly string[]): Promise<Figures> {
  const { inspectPath } = await import('../src/catalog/index.ts');
  const start = performance.now();
  let loaded = 0;
  let errors = 0;
  let warnings = 0;
  for (const folder of folders) {
    const { report } = await inspectPath(folder);
    if (report.loaded) loaded += 1;
    errors += report.errors.length;
    warnings += report.warnings.length;
  }
  const wallMs = performance.now() - start;
  return { count: folders.length, loaded, errors, warnings, wallMs, peakRssMb: process.resourceUsage().maxRSS / 1024 };
}

function runBaseline(folders: readonly string[]): Figures {
  const start = performance.now();
  let loaded = 0;
  let errors = 0;
  for (const folder of folders) {
    let ok = true;
    for (const file of readdirSync(folder)) {
      if (!/\.json$/i.test(file)) continue;
      try {
        JSON.parse(readFileSync(join(folder, file), 'utf8'));
      } catch {
        // The baseline only counts files that strict JSON.parse refuses.
        ok = false;
        errors += 1;
      }
    }
    if (ok) loaded += 1;
  }
  const wallMs = performance.now() - start;
  return { count: folders.length, loaded, errors, warnings: 0, wallMs, peakRssMb: process.resourceUsage().maxRSS / 1024 };
}

const mode = process.argv[2];
if (mode === 'ours' || mode === 'baseline') {
  const folders = connectorFolders();
  const figures = mode === 'ours' ? await runOurs(folders) : runBaseline(folders);
  process.stdout.write(JSON.stringify(figures) + '\n');
} else {
  const child = (which: string): Figures => {
    const result = spawnSync(process.execPath, ['--disable-warning=ExperimentalWarning', import.meta.filename, which], { encoding: 'utf8' });
    if (result.status !== 0) throw new Error(`bench child "${which}" failed: ${result.stderr}`);
    const last = result.stdout.trim().split('\n').at(-1) ?? '';
    return JSON.parse(last) as Figures;
  };
  const baseline = child('baseline');
  const ours = child('ours');
  const fmt = (f: Figures) => `${f.count} connectors, ${f.loaded} loaded, ${f.wallMs.toFixed(0)} ms, peak RSS ${f.peakRssMb.toFixed(0)} MB`;
  console.log(`baseline (read + JSON.parse only): ${fmt(baseline)}`);
  console.log(`plugboard (read + repair + model + validate): ${fmt(ours)}, ${ours.errors} errors, ${ours.warnings} warnings`);
  console.log(`target: < 2000 ms and < 300 MB — ${ours.wallMs < 2000 && ours.peakRssMb < 300 ? 'met' : 'NOT met'}`);
  console.log(`ratio ours/baseline: time ${(ours.wallMs / baseline.wallMs).toFixed(1)}x, peak RSS ${(ours.peakRssMb / baseline.peakRssMb).toFixed(2)}x`);
}
