import { describe, expect, it } from 'vitest';
import { dashboardRoutes } from '../../../src/gateway/http/routes/dashboard.js';

describe('dashboard routes', () => {
  const app = dashboardRoutes();

  it('serves the page with a policy that allows scripts from this origin only', async () => {
    const res = await app.request('/');
    expect(res.status).toBe(200);
    const csp = res.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("script-src 'self';");
    expect(csp).not.toMatch(/script-src[^;]*unsafe-inline/);
    expect(csp).toContain("img-src 'self' blob:");
    const html = await res.text();
    for (const file of ['markdown.js', 'console.js', 'admin.js', 'chat.js', 'console.css']) {
      expect(html).toContain(`/dashboard/${file}`);
    }
  });

  it('serves the listed assets with their type, and nothing else', async () => {
    const js = await app.request('/dashboard/chat.js');
    expect(js.status).toBe(200);
    expect(js.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(await js.text()).toContain('mc.chat =');
    const css = await app.request('/dashboard/console.css');
    expect(css.headers.get('content-type')).toBe('text/css; charset=utf-8');
    expect((await app.request('/dashboard/secret.txt')).status).toBe(404);
    expect((await app.request('/dashboard/..%2Fdashboard.html')).status).toBe(404);
  });
});
