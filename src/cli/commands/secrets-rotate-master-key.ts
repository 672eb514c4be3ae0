/**
 * `plugboard secrets rotate-master-key [--new-key-file path] [--json]`: register a new master key
 * version, re-wrap every stored secret under it, retire the old versions. Servers may keep
 * running. Interrupted (Ctrl-C, a crash)? Run it again: it finishes the same rotation.
 *
 * Embedded mode (no PLUGBOARD_MASTER_KEY[_FILE]): the new key is generated (or taken from
 * `--new-key-file`) and written into the data directory's key file. Otherwise the operator first
 * adds the new key to every server's PLUGBOARD_MASTER_KEY (comma-separated, newest last) or key
 * file (a new last line), then runs this command with the same setting (`--new-key-file` names
 * which key is the new one, when that is not obvious).
 */
import { UserInputError } from '../../core/index.ts';
import { readKeyFile, rotateMasterKey } from '../../secrets/index.ts';
import { withContext } from '../context.ts';
import { printJson } from '../output.ts';

/** Options of the command. */
export interface RotateMasterKeyCliOptions {
  readonly newKeyFile?: string;
  readonly json?: boolean;
}

/** Runs the command; returns the process exit code. */
export async function secretsRotateMasterKey(options: RotateMasterKeyCliOptions): Promise<number> {
  const newKey = options.newKeyFile === undefined ? undefined : singleKey(options.newKeyFile);
  const stop = new AbortController();
  const onSignal = () => stop.abort();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    return await withContext(async ({ config, store }) => {
      const report = await rotateMasterKey({
        config: config.masterKey,
        keys: store.secretKeys,
        envelopes: store.sealedValues,
        signal: stop.signal,
        ...(newKey === undefined ? {} : { newKey }),
      });
      if (options.json === true) {
        printJson(report);
        return 0;
      }
      const how = report.registered ? (report.generated ? 'a new generated key' : 'the new key') : 'the key an earlier, interrupted run registered';
      process.stdout.write(
        `master key version ${report.version} is current (${how}); ${report.rewrapped} secret${report.rewrapped === 1 ? '' : 's'} re-wrapped` +
          `${report.retired.length === 0 ? '' : `; retired version${report.retired.length === 1 ? '' : 's'} ${report.retired.join(', ')}`}\n` +
          (config.masterKey.kind === 'embedded'
            ? `the key file ${config.masterKey.file} now holds only the keys in use — back it up together with the database\n`
            : report.retired.length > 0
              ? 'the retired keys are no longer needed: remove them from PLUGBOARD_MASTER_KEY / the key file on every server\n'
              : ''),
      );
      return 0;
    });
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

function singleKey(file: string): Uint8Array {
  const keys = readKeyFile(file, { requirePrivate: false });
  const [only] = keys;
  if (only === undefined || keys.length !== 1) {
    throw new UserInputError(`--new-key-file ${file} holds ${keys.length} keys — put only the one new key into it`, { code: 'MasterKeyInvalid' });
  }
  return only;
}
