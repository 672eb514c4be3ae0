/** Media-type rules: Swagger 2.0 keeps one schema per body or response, so one media type leads. */

/** The media type without parameters, lower-cased (`application/json; charset=utf-8` → `application/json`). */
export function baseMediaType(mediaType: string): string {
  return (mediaType.split(';')[0] ?? '').trim().toLowerCase();
}

/** JSON and `+json` media types. */
export function isJsonMediaType(mediaType: string): boolean {
  const base = baseMediaType(mediaType);
  return base === 'application/json' || base === 'text/json' || base.endsWith('+json');
}

/** Media types Swagger 2.0 describes with `formData` parameters instead of a body schema. */
export function isFormMediaType(mediaType: string): boolean {
  const base = baseMediaType(mediaType);
  return base === 'multipart/form-data' || base === 'application/x-www-form-urlencoded';
}

/** The media type whose schema is kept: the first JSON one, else the first listed. */
export function primaryMediaType(mediaTypes: readonly string[]): string | undefined {
  return mediaTypes.find(isJsonMediaType) ?? mediaTypes[0];
}
