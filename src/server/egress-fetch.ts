/** A `fetch` over the guarded egress client, for libraries that take a fetch (oauth4webapi). */
import type { EgressClient } from '../gateway/index.ts';

/** Every call of the returned fetch goes through `egress` (SSRF guard, timeouts, size cap; no retry: token calls are not idempotent). */
export function egressFetch(egress: EgressClient): typeof fetch {
  const call = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const request = new Request(input, init);
    const headers: Record<string, string> = {};
    request.headers.forEach((value, name) => {
      headers[name] = value;
    });
    const body = request.body === null ? undefined : new Uint8Array(await request.arrayBuffer());
    const answer = await egress.send({ method: request.method, url: request.url, headers, body, retry: 'none', signal: init?.signal ?? undefined });
    const status = answer.status;
    const nullBody = status === 204 || status === 205 || status === 304 || request.method === 'HEAD';
    return new Response(nullBody ? null : answer.body, { status, headers: answer.headers });
  };
  return call as typeof fetch;
}
