/** URI parsing functions: uriHost, uriPath, uriPathAndQuery, uriPort, uriQuery, uriScheme (absolute URIs only, as .NET's `Uri`). */
import { definer } from './arguments.ts';
import type { Arguments } from './arguments.ts';
import type { FunctionFamily, FunctionRuntime } from './runtime.ts';

/** .NET's default ports by scheme; -1 where there is none. */
const DEFAULT_PORTS: Readonly<Record<string, number>> = { http: 80, https: 443, ws: 80, wss: 443, ftp: 21, gopher: 70, nntp: 119, mailto: 25, ldap: 389, 'net.tcp': 808 };

function parse(args: Arguments): URL {
  const text = args.string(0, 'uri');
  if (!URL.canParse(text.trim())) return args.fail('argument 1 (uri) is not an absolute URI (write scheme://host/path)');
  return new URL(text.trim());
}

/** The functions of this family. */
export function uriFunctions(runtime: FunctionRuntime): FunctionFamily {
  const { fn } = definer(runtime);
  return {
    uriHost: fn([1, 1], (args) => parse(args).hostname),
    uriPath: fn([1, 1], (args) => parse(args).pathname || '/'),
    uriPathAndQuery: fn([1, 1], (args) => {
      const url = parse(args);
      return `${url.pathname || '/'}${url.search}`;
    }),
    uriPort: fn([1, 1], (args) => {
      const url = parse(args);
      if (url.port !== '') return Number(url.port);
      const scheme = url.protocol.replace(/:$/, '');
      return Object.hasOwn(DEFAULT_PORTS, scheme) ? (DEFAULT_PORTS[scheme] ?? -1) : -1;
    }),
    uriQuery: fn([1, 1], (args) => parse(args).search),
    uriScheme: fn([1, 1], (args) => parse(args).protocol.replace(/:$/, '')),
  };
}
