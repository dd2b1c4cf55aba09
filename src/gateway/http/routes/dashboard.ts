import { readFileSync } from 'node:fs';
import { Hono } from 'hono';
import type { AppEnv } from '../context.js';

const PAGE = new URL('../dashboard.html', import.meta.url);
/** The console's static files (src/gateway/http/dashboard/), by name: nothing else is served. */
const ASSETS: Readonly<Record<string, string>> = {
  'console.js': 'text/javascript; charset=utf-8',
  'admin.js': 'text/javascript; charset=utf-8',
  'chat.js': 'text/javascript; charset=utf-8',
  'markdown.js': 'text/javascript; charset=utf-8',
  'console.css': 'text/css; charset=utf-8',
};

/**
 * Scripts only from this origin (no inline script), images also from blob: URLs (media is
 * fetched with the token and shown by object URL), no framing.
 */
const CSP =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' blob:; " +
  "connect-src 'self'; frame-ancestors 'none'";

/** `GET /` and `GET /dashboard/<file>`: the operator console (static files; it calls the API). */
export function dashboardRoutes(): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const cache = new Map<string, string>();
  const read = (url: URL): string => {
    let text = cache.get(url.href);
    if (text === undefined) {
      text = readFileSync(url, 'utf8');
      cache.set(url.href, text);
    }
    return text;
  };
  app.get('/', (c) => c.html(read(PAGE), 200, { 'Content-Security-Policy': CSP }));
  app.get('/dashboard/:file', (c) => {
    const file = c.req.param('file');
    const type = ASSETS[file];
    if (type === undefined) return c.notFound();
    return c.body(read(new URL(`../dashboard/${file}`, import.meta.url)), 200, {
      'Content-Type': type,
      'Cache-Control': 'no-cache',
      'X-Content-Type-Options': 'nosniff',
    });
  });
  return app;
}
