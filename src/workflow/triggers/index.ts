/**
 * Triggers: when flows start. Schedules (Recurrence, SlidingWindow), signed callback URLs
 * (Request, webhooks), polling (Http, connector polling triggers) and webhook subscriptions, the
 * trigger service that keeps them running, and the helpers they share (splitOn, conditions).
 */
export { TRIGGERS_QUEUE, CALLBACK_LOOKUP_REUSE_MS, createTriggerService } from './trigger-service.ts';
export type { CallbackKeys, InvokeResult, PollOutcome, TriggerCallInput, TriggerPorts, TriggerService, TriggerServiceOptions } from './trigger-service.ts';
export { CALLBACK_API_VERSION, CALLBACK_SIGNATURE_VERSION, buildCallbackUrl, callbackPermission, callbackRefusal, signCallback } from './callback-url.ts';
export type { CallbackQuery, CallbackUrl } from './callback-url.ts';
export { CallRefusedError, isCallableTrigger, requestTriggerOutputs, requestTriggerSpec } from './request-trigger.ts';
export type { IncomingCall, RequestTriggerSpec } from './request-trigger.ts';
export { fireSchedule, firstCheckAt, nextCheckAt, scheduleOf, triggerKindOf } from './trigger-schedule.ts';
export type { TriggerKind, TriggerSchedule } from './trigger-schedule.ts';
export { RECURRENCE_INTERVAL_LIMITS, WEEK_DAYS, firstOccurrence, nextOccurrence, parseRecurrence } from './recurrence.ts';
export type { MonthlyOccurrence, ParsedRecurrence, Recurrence, RecurrenceFrequency, RecurrenceSchedule, WeekDay } from './recurrence.ts';
export { UnknownTimeZoneError } from './recurrence-wall-clock.ts';
export { nextWindow, parseSlidingWindow, slidingWindowOutputs } from './sliding-window.ts';
export type { ParsedSlidingWindow, SlidingWindow, SlidingWindowOutputs, SlidingWindowRun } from './sliding-window.ts';
// Webhook subscriptions (webhook*.ts, notification.ts): subscribe, unsubscribe, notifications.
export { subscribeWebhook, unsubscribeWebhook, webhookKindOf } from './webhook.ts';
export type { ConnectorDefinitionLookup, SubscribeContext, WebhookPorts } from './webhook-context.ts';
export { MAX_STORED_BODY_CHARS, SUBSCRIPTION_FORMAT_VERSION, WEBHOOK_KINDS, readSubscription } from './webhook-subscription.ts';
export type { ConnectorWebhookSubscription, HttpWebhookSubscription, SubscribeResponse, Subscription, UnsubscribeResult, WebhookKind } from './webhook-subscription.ts';
export { notificationSchemaOf, unsubscribePlanOf, webhookOperationById, webhookOperationByRequest } from './webhook-operation.ts';
export type { NotificationSchema, UnsubscribePlan, WebhookOperation } from './webhook-operation.ts';
export { WebhookErrorCode } from './webhook-errors.ts';
export { notificationOutputs } from './notification.ts';
export type { NotificationOutputs, NotificationRequest } from './notification.ts';
// Polling (polling*.ts, split-on.ts, trigger-conditions.ts): one poll of Http / ApiConnection / OpenApiConnection triggers.
export { DEFAULT_POLL_LIMITS, isPollableTrigger, pollTrigger, retryAfterOf } from './polling.ts';
export type { PollContext, PollLimits, PollResult, PollSkipReason } from './polling.ts';
export type { PollError } from './polling-call.ts';
export { POLL_CURSOR_VERSION, readPollCursor, triggerFingerprint } from './polling-cursor.ts';
export type { PollCursor, PreviousExecution } from './polling-cursor.ts';
export { pollingOperationOf } from './polling-template.ts';
export type { PollingOperation, PollingOperationLookup, PollingOperationSelector, PollingOperationTarget, PollingTemplate } from './polling-template.ts';
export { TriggerStepError, TriggerStepErrorCode } from './polling-errors.ts';
export { SPLIT_ON_MAX_ITEMS, SPLIT_ON_MAX_ITEMS_WITH_CONCURRENCY, splitOnItems, triggerCode, triggerResult } from './split-on.ts';
export type { SplitOnRequest, TriggerEvaluate, TriggerOutputs } from './split-on.ts';
export { conditionsHold, firingsOf, prepareConditions } from './trigger-conditions.ts';
export type { ConditionExecution, ConditionsRequest, Firings, FiringsRequest, PreparedConditions } from './trigger-conditions.ts';
