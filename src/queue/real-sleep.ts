/** The default {@link Sleep}: a timer that an abort signal cuts short. */
import type { Sleep } from './job-queue.ts';

/**
 * A sleep that resolves after `ms` or as soon as `signal` aborts; the timer is cleared either way.
 * `unref: true` lets the process exit while it waits (tests, so a stuck handler cannot hang a run).
 */
export function createAbortableSleep(options: { readonly unref?: boolean } = {}): Sleep {
  return (ms, signal) =>
    new Promise((resolve) => {
      if (signal.aborted) {
        resolve();
        return;
      }
      const finish = (): void => {
        clearTimeout(timer);
        signal.removeEventListener('abort', finish);
        resolve();
      };
      const timer = setTimeout(finish, ms);
      if (options.unref === true) timer.unref();
      signal.addEventListener('abort', finish, { once: true });
    });
}

/** The default sleep of workers. */
export const realSleep: Sleep = createAbortableSleep();
