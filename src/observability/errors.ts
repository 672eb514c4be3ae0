/** Stable error codes raised by the observability area. */
export const ObservabilityErrorCode = {
  /**
   * An instrument is defined or used wrongly: a bad metric or label name, a name registered twice,
   * unsorted buckets, or a call whose labels differ from the declared ones. A programming error,
   * raised when the instrument is defined or first used, never from a scrape.
   */
  MetricDefinitionInvalid: 'MetricDefinitionInvalid',
} as const;

/** One of {@link ObservabilityErrorCode}'s values. */
export type ObservabilityErrorCode = (typeof ObservabilityErrorCode)[keyof typeof ObservabilityErrorCode];
