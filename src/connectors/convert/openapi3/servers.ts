/** `servers` → Swagger 2.0 `schemes`/`host`/`basePath`: the first server wins, variables take their defaults. */
import type { OpenApi3Context } from './context.ts';
import { child, elementsOf, entriesOf, isRecord, stringOf, type SourceNode } from '../source-node.ts';

/** Where the API lives, in Swagger 2.0 terms; absent fields are left out of the document. */
export interface ServerLocation {
  readonly schemes?: string[];
  readonly host?: string;
  readonly basePath?: string;
}

interface ParsedServer {
  readonly url: string;
  readonly scheme?: string;
  readonly host?: string;
  readonly basePath: string;
}

/** Converts the root `servers` list. */
export function convertServers(ctx: OpenApi3Context, node: SourceNode): ServerLocation {
  const servers = elementsOf(node).filter((server) => isRecord(server.value) && typeof server.value.url === 'string');
  const [firstNode, ...others] = servers;
  if (firstNode === undefined) {
    ctx.log.info({
      code: 'convert-server-missing',
      path: node.path,
      message: 'the document has no servers, so the converted definition has no host — add servers[0].url or set the host when importing',
    });
    return {};
  }
  const first = parseServer(ctx, { node: firstNode, report: true });
  if (first.host === undefined) {
    ctx.log.info({
      code: 'convert-server-relative',
      path: `${firstNode.path}/url`,
      message: `server URL \`${first.url}\` is relative, so the definition has no host — use an absolute URL or set the host when importing`,
    });
  }
  const schemes = first.scheme === undefined ? [] : [first.scheme];
  const dropped: string[] = [];
  for (const otherNode of others) {
    const other = parseServer(ctx, { node: otherNode, report: false });
    const sameLocation = other.host === first.host && other.basePath === first.basePath;
    // http and https variants of one server are one Swagger 2.0 location with two schemes.
    if (sameLocation && other.scheme !== undefined && !schemes.includes(other.scheme)) schemes.push(other.scheme);
    else if (!sameLocation || other.scheme === undefined) dropped.push(other.url);
  }
  if (dropped.length > 0) {
    ctx.log.warning({
      code: 'convert-servers-dropped',
      path: node.path,
      message: `only the first server (${first.url}) is used; ${dropped.map((u) => `\`${u}\``).join(', ')} ${dropped.length === 1 ? 'is' : 'are'} dropped — Swagger 2.0 has one host per definition`,
    });
  }
  return {
    ...(schemes.length > 0 ? { schemes } : {}),
    ...(first.host === undefined ? {} : { host: first.host }),
    basePath: first.basePath,
  };
}

function parseServer(ctx: OpenApi3Context, args: { node: SourceNode; report: boolean }): ParsedServer {
  const { node, report } = args;
  const template = stringOf(child(node, 'url').value) ?? '';
  const variables = child(node, 'variables');
  const url = template.replace(/\{([^}]*)\}/g, (whole, name: string) => {
    const variable = child(variables, name);
    const value = variable.value;
    const fallback = isRecord(value) ? value.default : undefined;
    if (typeof fallback === 'string' || typeof fallback === 'number') return String(fallback);
    if (report) {
      ctx.log.warning({
        code: 'convert-server-variable-unresolved',
        path: `${node.path}/url`,
        message: `server variable \`${name}\` has no default, so \`${whole}\` is kept as the literal \`${name}\` — add variables.${name}.default`,
      });
    }
    return name;
  });
  if (report) {
    for (const [name, variable] of entriesOf(variables)) {
      const value = variable.value;
      const choices = isRecord(value) && Array.isArray(value.enum) ? value.enum.map(String) : [];
      const fallback = isRecord(value) ? String(value.default) : '';
      const others = choices.filter((choice) => choice !== fallback);
      if (others.length > 0 && template.includes(`{${name}}`)) {
        ctx.log.info({
          code: 'convert-server-variable-enum',
          path: variable.path,
          message: `server variable \`${name}\` is fixed to its default \`${fallback}\`; other values (${others.join(', ')}) need their own definition`,
        });
      }
    }
  }
  const absolute = /^([a-z][a-z0-9+.-]*):\/\/([^/?#]*)([^?#]*)/i.exec(url);
  if (absolute !== null) return { url, scheme: (absolute[1] ?? '').toLowerCase(), host: absolute[2] ?? '', basePath: normalizeBasePath(absolute[3] ?? '') };
  const protocolRelative = /^\/\/([^/?#]*)([^?#]*)/.exec(url);
  if (protocolRelative !== null) return { url, host: protocolRelative[1] ?? '', basePath: normalizeBasePath(protocolRelative[2] ?? '') };
  return { url, basePath: normalizeBasePath(url.split(/[?#]/)[0] ?? '') };
}

function normalizeBasePath(path: string): string {
  const trimmed = path.replace(/\/+$/, '');
  if (trimmed === '') return '/';
  return trimmed.startsWith('/') ? trimmed : `/${trimmed}`;
}
