#!/usr/bin/env node
// Entry for `npx plugboard`: re-executes the TypeScript CLI on the project's pinned Node 24
// (Node runs .ts sources directly), even when the calling Node is older.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const pinned = join(root, 'node_modules', 'node', 'bin', 'node');
const major = Number(process.versions.node.split('.')[0]);
const nodeBinary = major >= 24 ? process.execPath : existsSync(pinned) ? pinned : process.execPath;
const result = spawnSync(nodeBinary, ['--disable-warning=ExperimentalWarning', join(root, 'src', 'cli', 'main.ts'), ...process.argv.slice(2)], { stdio: 'inherit' });
process.exit(result.status ?? 1);
