/** The JobQueue conformance suite on the embedded driver, over a SQLite file and over PostgreSQL. */
import { defineJobQueueSuite } from './job-queue.suite.ts';
import { postgresDatabase, sqliteDatabase } from './queue-kit.ts';

defineJobQueueSuite(sqliteDatabase());
defineJobQueueSuite(await postgresDatabase('queue'));
