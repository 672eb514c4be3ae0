/** Walking a Postman v2.1 collection: folders (recursively) down to requests, with inherited auth. */
import type { PostmanContext } from './context.ts';
import { child, elementsOf, isRecord, stringOf, type SourceNode } from '../source-node.ts';

/** One request of the collection, with where it sits and which auth applies to it. */
export interface RequestEntry {
  /** The item holding the request (its `response` list holds saved examples). */
  readonly item: SourceNode;
  /** The `request` node; a bare URL string is allowed by the v2.1 schema. */
  readonly request: SourceNode;
  readonly name: string;
  /** Folder names from the outermost to the innermost. */
  readonly folders: readonly string[];
  /** The effective `auth` node (request, nearest folder, or collection); undefined when none is set anywhere. */
  readonly auth: SourceNode | undefined;
}

/** A folder, which becomes a tag. */
export interface FolderTag {
  readonly name: string;
  readonly description?: string;
}

/** The v2.1 `description`: a string or `{ content }`. */
export function descriptionOf(value: unknown): string | undefined {
  if (typeof value === 'string') return value === '' ? undefined : value;
  if (isRecord(value) && typeof value.content === 'string' && value.content !== '') return value.content;
  return undefined;
}

/** Every request of the collection in document order, and the folders seen (as tags). */
export function collectRequests(ctx: PostmanContext, collection: SourceNode): { requests: RequestEntry[]; tags: FolderTag[] } {
  const requests: RequestEntry[] = [];
  const tags: FolderTag[] = [];
  reportScripts(ctx, collection);
  const walk = (items: SourceNode, scope: { folders: readonly string[]; auth: SourceNode | undefined }): void => {
    for (const item of elementsOf(items)) {
      const value = item.value;
      if (!isRecord(value)) continue;
      reportScripts(ctx, item);
      const name = stringOf(value.name) ?? '';
      const auth = ownAuth(child(item, 'auth')) ?? scope.auth;
      if (Array.isArray(value.item)) {
        const folderName = name === '' ? `Folder ${tags.length + 1}` : name;
        if (!tags.some((tag) => tag.name === folderName)) {
          const description = descriptionOf(value.description);
          tags.push(description === undefined ? { name: folderName } : { name: folderName, description });
        }
        walk(child(item, 'item'), { folders: [...scope.folders, folderName], auth });
        continue;
      }
      const request = child(item, 'request');
      if (request.value === undefined) continue;
      const requestAuth = ownAuth(child(request, 'auth')) ?? auth;
      requests.push({ item, request, name, folders: scope.folders, auth: requestAuth });
    }
  };
  walk(child(collection, 'item'), { folders: [], auth: ownAuth(child(collection, 'auth')) });
  return { requests, tags };
}

/** An `auth` node that sets something (including `noauth`); `inherit` and null mean "use the parent's". */
function ownAuth(node: SourceNode): SourceNode | undefined {
  const auth = node.value;
  if (!isRecord(auth) || typeof auth.type !== 'string' || auth.type === 'inherit') return undefined;
  return node;
}

/** Pre-request scripts can change the request (sign it, add headers); they are not converted, so say so. */
function reportScripts(ctx: PostmanContext, node: SourceNode): void {
  for (const event of elementsOf(child(node, 'event'))) {
    const value = event.value;
    if (!isRecord(value) || value.listen !== 'prerequest' || value.disabled === true) continue;
    const script = value.script;
    const exec = isRecord(script) ? script.exec : undefined;
    const source = Array.isArray(exec) ? exec.join('\n') : typeof exec === 'string' ? exec : '';
    if (source.trim() === '') continue;
    ctx.log.warning({
      code: 'convert-postman-script-dropped',
      path: event.path,
      message: 'pre-request script is not converted: the connector sends the request without it — if it signs the request or sets headers, reproduce that with a request policy',
    });
  }
}
