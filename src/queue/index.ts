/** Queue: the JobQueue port (durable background work, at-least-once) and its embedded driver. */
export { createEmbeddedQueue } from './embedded/embedded-queue.ts';
export type { EmbeddedQueueOptions } from './embedded/embedded-queue.ts';
export { defaultJobBackoff } from './job-queue.ts';
export type { JobQueue, Job, JobContext, JobHandler, EnqueueOptions, EnqueueResult, WorkOptions, JobWorker, Sleep } from './job-queue.ts';
export { createAbortableSleep, realSleep } from './real-sleep.ts';
export { QueueErrorCode } from './errors.ts';
