// The wordpress provider over the MCP endpoint, with the SDK's Client, against a loopback server
// that speaks the WordPress REST API: every tool listed with its schemas and honest hints, every
// tool called and answering what the site holds, the application password sent to the site only.
import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { startAppHarness, type AppHarness } from '../support/app-harness.js';
import { makeStore } from '../support/factories.js';
import { WordPressSite } from '../support/wordpress-site.js';
import { connectMcp, errorText, structured, type McpSession } from './mcp-client.js';

const site = new WordPressSite();
let h: AppHarness;
let session: McpSession;

beforeAll(async () => {
  await site.start();
  h = await startAppHarness({ env: { MCP_ALLOW_PRIVATE_URLS: 'true' } });
  const store = await makeStore(h.services);
  session = await connectMcp(h.baseUrl, h.request, store, 'wordpress', { config: { siteUrl: site.url }, secret: { username: site.username, applicationPassword: site.applicationPassword } });
});
afterAll(async () => {
  await session?.close();
  await h?.close();
  await site.stop();
});

it('lists the WordPress tools with input and output schemas and hints', async () => {
  const { tools } = await session.client.listTools();
  const byName = Object.fromEntries(tools.map((t) => [t.name, t]));
  expect(Object.keys(byName).sort()).toEqual(['get_site_info', 'wp_add_post', 'wp_get_post', 'wp_list_categories', 'wp_list_pages', 'wp_posts_search', 'wp_update_post']);
  for (const tool of tools) {
    expect(tool.inputSchema.type).toBe('object');
    expect(tool.outputSchema?.type).toBe('object');
    expect(typeof tool.annotations?.readOnlyHint).toBe('boolean');
  }
  expect(byName.wp_posts_search!.annotations).toMatchObject({ readOnlyHint: true, destructiveHint: false });
  expect(byName.wp_add_post!.annotations).toMatchObject({ readOnlyHint: false, idempotentHint: false });
  expect(byName.wp_update_post!.annotations).toMatchObject({ readOnlyHint: false, destructiveHint: true, idempotentHint: true });
});

it('every tool answers what the site holds', async () => {
  const call = (name: string, args: Record<string, unknown> = {}) => session.client.callTool({ name, arguments: args });
  const info = structured(await call('get_site_info'));
  expect(info).toMatchObject({ name: site.name, description: site.description, timezone: site.timezone });

  const found = structured<{ posts: { id: number; title: string }[] }>(await call('wp_posts_search', { search: 'lemon' }));
  // The draft with lemon in it is not published: a search shows what visitors see unless asked.
  expect(found.posts.map((p) => p.id)).toEqual([11]);
  const post = structured(await call('wp_get_post', { id: 10 }));
  expect(post).toMatchObject({ id: 10, title: 'Opening hours for the holidays', categories: [2] });
  expect(post.content).toContain('We close at noon');

  const added = structured<{ id: number; status: string }>(await call('wp_add_post', { title: 'Pão de queijo', content: '<p>Saindo do forno</p>', status: 'publish', categories: [3] }));
  expect(added.status).toBe('publish');
  expect(site.posts.find((p) => p.id === added.id)).toMatchObject({ title: 'Pão de queijo', categories: [3] });
  const updated = structured(await call('wp_update_post', { id: added.id, title: 'Pão de queijo quentinho' }));
  expect(updated).toMatchObject({ id: added.id, title: 'Pão de queijo quentinho' });
  expect(site.posts.find((p) => p.id === added.id)!.title).toBe('Pão de queijo quentinho');

  const categories = structured<{ categories: { name: string }[] }>(await call('wp_list_categories'));
  // WordPress orders categories by name.
  expect(categories.categories.map((c) => c.name)).toEqual(site.categories.map((c) => c.name).sort());
  const pages = structured<{ pages: { title: string }[] }>(await call('wp_list_pages'));
  // Published pages only (the draft is not), newest first.
  expect(pages.pages.map((p) => p.title)).toEqual(['Contact', 'About us']);

  // Writes carried the connection's credentials, as Basic auth to the site and nowhere else.
  const writes = site.requests.filter((r) => r.method === 'POST');
  expect(writes.length).toBe(2);
  for (const w of writes) expect(Buffer.from(w.authorization!.split(' ')[1]!, 'base64').toString()).toBe(`${site.username}:${site.applicationPassword}`);
});

it('an unknown post and arguments that fail the schema come back as isError results', async () => {
  expect(errorText(await session.client.callTool({ name: 'wp_get_post', arguments: { id: 999 } }))).toMatch(/not found|invalid/i);
  expect(errorText(await session.client.callTool({ name: 'wp_update_post', arguments: { id: 10 } }))).toMatch(/at least one field/);
  const refused = errorText(await session.client.callTool({ name: 'wp_add_post', arguments: { title: 'x' } }));
  expect(refused).toMatch(/content/);
  expect(refused).not.toContain(site.applicationPassword);
});
