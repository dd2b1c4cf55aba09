import { readFileSync } from 'node:fs';
import { Hono } from 'hono';
import type { AppEnv } from '../context.js';

const PAGE = new URL('../dashboard.html', import.meta.url);

/** `GET /`: the one-page dashboard (static HTML with inline JS; it calls the API itself). */
export function dashboardRoutes(): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  let html: string | undefined;
  app.get('/', (c) => {
    html ??= readFileSync(PAGE, 'utf8');
    return c.html(html, 200, {
      'Content-Security-Policy':
        "default-src 'self'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; connect-src 'self'",
    });
  });
  return app;
}
