/** Finds the operation an incoming `/apim/{connector}/{connection}/{path…}` request addresses. */
import type { ConnectorDefinition, Operation } from '../../connectors/index.ts';
import { normalizeBasePath } from './build-request.ts';

/** An operation with the path parameter values taken from the request path (decoded). */
export interface OperationMatch {
  readonly operation: Operation;
  readonly pathParameters: Readonly<Record<string, string>>;
}

interface CompiledRoute {
  readonly operation: Operation;
  readonly method: string;
  readonly pattern: RegExp;
  readonly names: readonly string[];
  readonly literalLength: number;
}

const routeCache = new WeakMap<ConnectorDefinition, readonly CompiledRoute[]>();

function routesOf(definition: ConnectorDefinition): readonly CompiledRoute[] {
  const cached = routeCache.get(definition);
  if (cached !== undefined) return cached;
  const routes = definition.operations.map((operation) => {
    const names: string[] = [];
    let literalLength = 0;
    const source = operation.path
      .split(/(\{[^}]+\})/)
      .map((part) => {
        const placeholder = /^\{([^}]+)\}$/.exec(part);
        if (placeholder !== null) {
          names.push(placeholder[1] ?? '');
          return '([^/]+)';
        }
        literalLength += part.length;
        return part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      })
      .join('');
    const trimmed = source.length > 1 && source.endsWith('/') ? source.slice(0, -1) : source;
    return { operation, method: operation.method.toUpperCase(), pattern: new RegExp(`^${trimmed}/?$`), names, literalLength };
  });
  // Most literal characters first, so `/items/search` wins over `/items/{id}`.
  routes.sort((a, b) => b.literalLength - a.literalLength);
  routeCache.set(definition, routes);
  return routes;
}

/** The operation for `method` + `path` (the operation path, with or without the base path). */
export function matchOperation(definition: ConnectorDefinition, method: string, path: string): OperationMatch | undefined {
  const upper = method.toUpperCase();
  const candidates = [path];
  const basePath = normalizeBasePath(definition.basePath);
  if (basePath !== '' && path.startsWith(`${basePath}/`)) candidates.push(path.slice(basePath.length));
  for (const candidate of candidates) {
    for (const route of routesOf(definition)) {
      if (route.method !== upper) continue;
      const match = route.pattern.exec(candidate);
      if (match === null) continue;
      const pathParameters: Record<string, string> = {};
      route.names.forEach((name, index) => {
        pathParameters[name] = safeDecode(match[index + 1] ?? '');
      });
      return { operation: route.operation, pathParameters };
    }
  }
  return undefined;
}

function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}
