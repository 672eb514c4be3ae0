/**
 * Child-process fixture for sqlite-store.test.ts: waits until a shared start instant so that
 * several processes open the same SQLite file at once, then prints what migrating did.
 * Usage: node open-store-child.fixture.ts <file> <startAtEpochMs>
 */
import { openStore } from './open-store.ts';

const [file, startAt] = process.argv.slice(2);
if (file === undefined || startAt === undefined) throw new Error('usage: open-store-child.fixture.ts <file> <startAtEpochMs>');
await new Promise((resolve) => setTimeout(resolve, Math.max(0, Number(startAt) - Date.now())));
const store = await openStore({ driver: 'sqlite', file });
try {
  const env = await store.environments.getByName('default');
  process.stdout.write(`${JSON.stringify({ appliedNow: store.migrations.appliedNow, defaultEnvironmentId: env?.id })}\n`);
} finally {
  await store.close();
}
