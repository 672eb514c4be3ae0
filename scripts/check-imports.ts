/**
 * Import-boundary check, run by `npm test`.
 *
 * Rules (DESIGN.md §4, STYLE.md §9):
 * 1. An area imports another area only through its `index.ts` (no deep imports).
 * 2. Dependencies point one way: each area may import only the areas listed in ALLOWED.
 * 3. Pure areas import no I/O modules (network, file system, database, framework).
 * 4. No `export *` in an area's index.ts.
 * 5. No cycles between areas (follows from ALLOWED being acyclic, checked too).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve, dirname, sep } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const srcDir = join(root, 'src');

/** Which areas each area may import. */
const ALLOWED: Record<string, readonly string[]> = {
  core: [],
  expressions: ['core'],
  connectors: ['core', 'expressions'],
  policies: ['core', 'expressions', 'connectors'],
  secrets: ['core'],
  storage: ['core'],
  // Metrics registry, Prometheus text, observer ports, log context: any area may report through it.
  observability: ['core'],
  queue: ['core', 'storage'],
  catalog: ['core', 'connectors', 'storage'],
  connections: ['core', 'connectors', 'secrets', 'storage'],
  gateway: ['core', 'expressions', 'connectors', 'policies', 'connections', 'secrets', 'storage'],
  triggers: ['core', 'expressions', 'connectors', 'gateway', 'storage', 'queue', 'observability'],
  workflow: ['core', 'expressions', 'connectors', 'gateway', 'storage', 'queue', 'observability'],
  server: ['core', 'expressions', 'connectors', 'policies', 'secrets', 'storage', 'queue', 'catalog', 'connections', 'gateway', 'triggers', 'workflow', 'observability'],
  cli: ['core', 'expressions', 'connectors', 'policies', 'secrets', 'storage', 'queue', 'catalog', 'connections', 'gateway', 'triggers', 'workflow', 'server', 'observability'],
};

/** Areas that must stay free of I/O. */
const PURE = new Set(['core', 'expressions', 'connectors', 'policies']);
const IO_MODULES = /^(node:)?(fs|fs\/promises|net|http|https|http2|dgram|dns|child_process|cluster|worker_threads|tls|sqlite)$|^(pg|kysely|fastify|undici|pino|commander|cli-progress|pg-boss|@fastify\/.*)$/;

const problems: string[] = [];

function walk(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) out.push(...walk(full));
    else if (name.endsWith('.ts')) out.push(full);
  }
  return out;
}

function areaOf(file: string): string | undefined {
  const rel = relative(srcDir, file);
  if (rel.startsWith('..')) return undefined;
  const parts = rel.split(sep);
  return parts.length > 1 ? parts[0] : undefined;
}

const importPattern = /(?:^|\n)\s*(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|(?:^|\n)\s*import\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g;

for (const file of walk(srcDir)) {
  const area = areaOf(file);
  const text = readFileSync(file, 'utf8');
  const relFile = relative(root, file);
  if (area !== undefined && !(area in ALLOWED)) {
    problems.push(`${relFile}: area "${area}" is not declared in scripts/check-imports.ts ALLOWED — add it with the areas it may import`);
    continue;
  }
  if (relFile.endsWith(`${sep}index.ts`) && /export\s+\*\s+from/.test(text)) {
    problems.push(`${relFile}: "export * from" hides the public surface — name each export`);
  }
  for (const m of text.matchAll(importPattern)) {
    const spec = m[1] ?? m[2] ?? m[3];
    if (spec === undefined) continue;
    if (spec.startsWith('.')) {
      const target = resolve(dirname(file), spec);
      const targetArea = areaOf(target);
      if (area === undefined || targetArea === undefined || targetArea === area) continue;
      const allowed = ALLOWED[area] ?? [];
      if (!allowed.includes(targetArea)) {
        problems.push(`${relFile}: imports area "${targetArea}" (${spec}), but "${area}" may only import ${allowed.length ? allowed.join(', ') : 'nothing'}`);
      }
      if (relative(join(srcDir, targetArea), target) !== 'index.ts') {
        problems.push(`${relFile}: deep import "${spec}" into area "${targetArea}" — import from "${targetArea}/index.ts" instead`);
      }
    } else if (area !== undefined && PURE.has(area) && IO_MODULES.test(spec) && !/\.test\.ts$|\.suite\.ts$/.test(file)) {
      problems.push(`${relFile}: pure area "${area}" imports I/O module "${spec}" — take the I/O as a parameter instead`);
    }
  }
}

// The allowed graph itself must be acyclic.
const visiting = new Set<string>();
const done = new Set<string>();
function visit(area: string, trail: string[]): void {
  if (done.has(area)) return;
  if (visiting.has(area)) {
    problems.push(`scripts/check-imports.ts: ALLOWED has a cycle: ${[...trail, area].join(' → ')}`);
    return;
  }
  visiting.add(area);
  for (const dep of ALLOWED[area] ?? []) visit(dep, [...trail, area]);
  visiting.delete(area);
  done.add(area);
}
for (const area of Object.keys(ALLOWED)) visit(area, []);

if (problems.length > 0) {
  console.error(`Import boundary check failed (${problems.length}):`);
  for (const p of problems) console.error(`  - ${p}`);
  process.exit(1);
}
console.log('import boundaries: ok');
