/**
 * Which methods a path answers, from the app's own route table: the not-found handler uses it to
 * tell "no such path" (404) from "this path, another method" (405 with `Allow`, RFC 9110 §15.5.6).
 */

/** One route as hono lists it in `app.routes` (`ALL` entries are middleware, not endpoints). */
export interface RouteEntry {
  readonly method: string;
  readonly path: string;
}

interface Pattern {
  readonly method: string;
  readonly regex: RegExp;
}

const escape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * hono's `/channels/:id/messages` as a regex; `*` matches the rest of the path. Exact like hono's
 * strict routing: `/channels/` is not `/channels`, so it stays a 404.
 */
function toRegex(path: string): RegExp {
  const parts = path.split('/').map((segment) => {
    if (segment === '*') return '.*';
    if (segment.startsWith(':')) return '[^/]+';
    return escape(segment);
  });
  return new RegExp(`^${parts.join('/')}$`);
}

/** Answers, for a request path, the methods its routes take; built once from the route table. */
export class AllowedMethods {
  private patterns: Pattern[] | undefined;

  constructor(private readonly routes: () => readonly RouteEntry[]) {}

  /** The methods of every route matching `path`, `HEAD` with `GET`; empty for an unknown path. */
  for(path: string): string[] {
    // The table is read on first use, after every route module was mounted.
    this.patterns ??= this.routes()
      .filter((r) => r.method !== 'ALL')
      .map((r) => ({ method: r.method.toUpperCase(), regex: toRegex(r.path) }));
    const methods = new Set<string>();
    for (const p of this.patterns) {
      if (!p.regex.test(path)) continue;
      methods.add(p.method);
      // hono answers HEAD with the GET handler.
      if (p.method === 'GET') methods.add('HEAD');
    }
    return [...methods];
  }
}
