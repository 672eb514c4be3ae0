/** Core: the types and ports every area shares. Imports nothing. */
export { PlugboardError, UserInputError, NotFoundError, ConflictError, isPlugboardError, errorMessage } from './errors.ts';
export type { ErrorKind, PlugboardErrorOptions } from './errors.ts';
export { escapePointerToken, jsonPointer, parseJsonPointer, hasErrors, issuesOf, formatIssue } from './issue.ts';
export type { Issue, Severity } from './issue.ts';
export { systemClock, createManualClock } from './clock.ts';
export type { Clock, ManualClock } from './clock.ts';
export { silentLogger } from './logger.ts';
export type { Logger } from './logger.ts';
export { newId, slugify } from './ids.ts';
