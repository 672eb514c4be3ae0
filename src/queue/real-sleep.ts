/** The default {@link Sleep}: a timer that an abort signal cuts short. */
import type { Sleep } from './job-queue.ts';

/** Resolves after `ms` or as soon as `signal` aborts; the timer is cleared either way. */
export const realSleep: Sleep = (ms, signal) =>
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
    signal.addEventListener('abort', finish, { once: true });
  });
