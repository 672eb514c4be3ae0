/** Stable error codes raised by the queue area. */
export const QueueErrorCode = {
  /** A queue name, payload or option is invalid (kind `user`). */
  InvalidQueueInput: 'InvalidQueueInput',
  /** The worker could not extend a job's lock; another worker may run the job now (signalled to the handler). */
  JobLockLost: 'JobLockLost',
} as const;

/** One of {@link QueueErrorCode}'s values. */
export type QueueErrorCode = (typeof QueueErrorCode)[keyof typeof QueueErrorCode];
