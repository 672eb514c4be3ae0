/** JSON pointer helpers for the loader's hot paths. */
import { escapePointerToken } from '../../core/index.ts';

/** Escapes one pointer token, skipping the work for the common token without `~` or `/`. */
export function escapePointer(token: string): string {
  return token.includes('~') || token.includes('/') ? escapePointerToken(token) : token;
}
