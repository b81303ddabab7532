// /docs renders the OpenAPI document with a renderer served by the daemon itself (no CDN, no
// external URL), and the document names every route the app serves — a route added without its
// contract fails here.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Express } from 'express';
import { startAppHarness, type AppHarness } from '../support/app-harness.js';

let h: AppHarness;
beforeAll(async () => {
  h = await startAppHarness();
});
afterAll(async () => h?.close());

/** Every (method, path) the app routes, from Express's own routing table. */
function routesOf(app: Express): string[] {
  const found: string[] = [];
  const walk = (stack: any[]) => {
    for (const layer of stack) {
      if (layer.route) {
        const paths = Array.isArray(layer.route.path) ? layer.route.path : [layer.route.path];
        for (const p of paths) for (const m of Object.keys(layer.route.methods)) found.push(`${m.toUpperCase()} ${p}`);
      } else if (layer.handle?.stack) walk(layer.handle.stack);
    }
  };
  walk((app as any).router.stack);
  return [...new Set(found)].sort();
}

/** Routes that are not the API's: the document itself, its page, the console's page, and the MCP endpoint's answers to methods it does not take. */
const NOT_API = new Set(['GET /openapi.json', 'GET /docs', 'GET /docs/init.js', 'GET /console', 'GET /console/console.js', 'GET /console/console.css', 'GET /api/mcp', 'GET /api/mcp/:provider', 'DELETE /api/mcp', 'DELETE /api/mcp/:provider', 'POST /api/mcp']);

describe('the API reference', () => {
  it('every route the app serves is in /openapi.json, and the document names no route that does not exist', async () => {
    const doc = (await h.request('GET', '/openapi.json')).body;
    const documented = Object.entries(doc.paths as Record<string, Record<string, unknown>>)
      .flatMap(([p, methods]) => Object.keys(methods).map((m) => `${m.toUpperCase()} ${p.replace(/\{(\w+)\}/g, ':$1')}`))
      .sort();
    const served = routesOf(h.app).filter((r) => !NOT_API.has(r));
    expect(served.length).toBeGreaterThan(60);
    expect(served.filter((r) => !documented.includes(r))).toEqual([]);
    expect(documented.filter((r) => !served.includes(r))).toEqual([]);
  });

  it('/docs loads its renderer from the daemon, with no external URL, and points it at the document', async () => {
    const page = await fetch(`${h.baseUrl}/docs`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/text\/html/);
    const html = await page.text();
    expect(html).not.toMatch(/(https?:)?\/\//);
    const refs = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]!).filter((r) => r !== 'data:,');
    expect(refs.sort()).toEqual(['docs/init.js', 'docs/swagger-ui-bundle.js', 'docs/swagger-ui.css']);
    for (const ref of refs) {
      const asset = await fetch(new URL(ref, `${h.baseUrl}/docs`));
      expect([ref, asset.status]).toEqual([ref, 200]);
      expect(asset.headers.get('content-type')).toMatch(ref.endsWith('.css') ? /text\/css/ : /javascript/);
      const body = await asset.text();
      if (ref.endsWith('bundle.js')) expect(body).toContain('SwaggerUIBundle');
      if (ref.endsWith('init.js')) expect(body).toMatch(/url: 'openapi.json'[\s\S]*validatorUrl: null/);
    }
    // Only what the page uses is served from the package's folder.
    expect((await fetch(`${h.baseUrl}/docs/package.json`)).status).toBe(404);
  });
});
