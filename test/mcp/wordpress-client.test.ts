// The WordPress provider's tools, run directly (as the MCP endpoint would after validating the
// arguments) against an in-memory WordPress on loopback: what each answers is what the site holds
// and matches the tool's output schema, what the site received is what WordPress expects, and
// every refusal is an AppError that says what WordPress said, never the application password.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { pino } from 'pino';
import { ZodError } from 'zod';
import { AppError, ErrorCode } from '../../src/kernel/index.js';
import type { McpServices } from '../../src/mcp/services.js';
import { wordpressProvider, ZWordPressConfig, ZWordPressSecret, type TWordPressSecret } from '../../src/mcp/providers/wordpress/index.js';
import { caught } from '../support/caught.js';
import { WordPressSite } from '../support/wordpress-site.js';
import { runTool } from './run-tool.js';

const site = new WordPressSite();
beforeAll(() => site.start());
afterAll(() => site.stop());

function toolsFor(opts: { secret?: Partial<TWordPressSecret>; siteUrl?: string; allowPrivateUrls?: boolean } = {}) {
  const tools = wordpressProvider.tools({
    storeId: 's',
    connectionId: 'c',
    config: { siteUrl: opts.siteUrl ?? site.url },
    secret: { username: site.username, applicationPassword: site.applicationPassword, ...opts.secret },
    services: { egress: { allowPrivateUrls: opts.allowPrivateUrls ?? true, timeoutMs: 5000 } } as unknown as McpServices,
    log: pino({ level: 'silent' }),
  });
  /** Validates the arguments as the SDK does, runs the tool, and checks the answer against its output schema. */
  return async (name: string, args: Record<string, unknown> = {}): Promise<any> => {
    const tool = tools.find((t) => t.name === name);
    if (!tool) throw new Error(`no tool ${name}`);
    return runTool(tool, args);
  };
}

// Built per call: the site's port is known only once it has started.
const call = (name: string, args?: Record<string, unknown>) => toolsFor()(name, args);
const wrongPassword = (name: string, args?: Record<string, unknown>) => toolsFor({ secret: { applicationPassword: 'wxyz WXYZ 9876 wxyz WXYZ 9876' } })(name, args);

/** The AppError a call fails with, checked never to carry either form of either password. */
async function refusal(run: () => Promise<unknown>): Promise<AppError> {
  const err = await caught(run);
  expect(err).toBeInstanceOf(AppError);
  const shown = `${(err as AppError).message} ${JSON.stringify((err as AppError).details ?? null)}`;
  for (const password of [site.applicationPassword, 'wxyz WXYZ 9876 wxyz WXYZ 9876']) {
    expect(shown).not.toContain(password);
    expect(shown).not.toContain(password.replace(/\s+/g, ''));
  }
  return err as AppError;
}

const lastRequest = () => site.requests.at(-1)!;
const basic = `Basic ${Buffer.from(`${site.username}:${site.applicationPassword}`).toString('base64')}`;

describe('the WordPress provider', () => {
  it('names itself and serves the seven tools with honest hints', () => {
    expect(wordpressProvider).toMatchObject({ key: 'wordpress', name: 'WordPress', version: '1.0.0' });
    const tools = wordpressProvider.tools({ storeId: 's', connectionId: 'c', config: { siteUrl: site.url }, secret: { username: 'u', applicationPassword: 'p' }, services: { egress: { allowPrivateUrls: true, timeoutMs: 1 } } as unknown as McpServices, log: pino({ level: 'silent' }) });
    const hints = Object.fromEntries(tools.map((t) => [t.name, t.hints]));
    expect(Object.keys(hints).sort()).toEqual(['get_site_info', 'wp_add_post', 'wp_get_post', 'wp_list_categories', 'wp_list_pages', 'wp_posts_search', 'wp_update_post']);
    for (const name of ['get_site_info', 'wp_get_post', 'wp_list_categories', 'wp_list_pages', 'wp_posts_search']) expect(hints[name]).toEqual({ readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: true });
    expect(hints.wp_add_post).toEqual({ readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: true });
    expect(hints.wp_update_post).toEqual({ readOnlyHint: false, destructiveHint: true, idempotentHint: true, openWorldHint: true });
    for (const t of tools) expect(t.title && t.description.length > 40).toBeTruthy();
  });

  it('takes an http(s) site URL without credentials, and a username with an application password, nothing else', () => {
    expect(ZWordPressConfig.parse({ siteUrl: 'https://example.com/blog' })).toEqual({ siteUrl: 'https://example.com/blog' });
    for (const bad of [{ siteUrl: 'ftp://example.com' }, { siteUrl: 'https://u:p@example.com' }, { siteUrl: 'https://example.com/?x=1' }, { siteUrl: 'https://example.com', extra: 1 }, {}]) {
      expect(ZWordPressConfig.safeParse(bad).success).toBe(false);
    }
    expect(ZWordPressSecret.safeParse({ username: 'a', applicationPassword: 'b' }).success).toBe(true);
    expect(ZWordPressSecret.safeParse({ username: 'a', applicationPassword: '' }).success).toBe(false);
    expect(ZWordPressSecret.safeParse({ username: 'a', applicationPassword: 'b', password: 'c' }).success).toBe(false);
  });
});

describe('reading the site', () => {
  it('get_site_info answers the site index, asked for the fields it reads, with the credentials', async () => {
    expect(await call('get_site_info')).toEqual({ name: 'Bakery Drin', description: 'Bread and cakes since 1998', url: site.url, home: site.url, timezone: 'Europe/Lisbon', namespaces: ['oembed/1.0', 'wp/v2', 'wp-site-health/v1'] });
    expect(lastRequest()).toMatchObject({ method: 'GET', path: '/wp-json/', authorization: basic });
    expect(lastRequest().query._fields?.split(',')).toContain('namespaces');
  });

  it('wp_posts_search lists published posts newest first, with WordPress\'s totals', async () => {
    const found = await call('wp_posts_search');
    expect(found).toMatchObject({ total: 2, totalPages: 1 });
    expect(found.posts).toEqual([
      { id: 11, title: 'Lemon tart', status: 'publish', link: `${site.url}/?p=11`, date: '2026-01-07T09:30:00', excerpt: '<p>Our best seller</p>\n' },
      { id: 10, title: 'Opening hours for the holidays', status: 'publish', link: `${site.url}/?p=10`, date: '2026-01-05T10:00:00', excerpt: '<p>We close at noon on the 24th.</p>\n' },
    ]);
    expect(lastRequest()).toMatchObject({ path: '/wp-json/wp/v2/posts', query: { page: '1', per_page: '10' } });
  });

  it('wp_posts_search searches title and content, filters by status and pages', async () => {
    expect((await call('wp_posts_search', { search: 'lemon' })).posts.map((p: any) => p.id)).toEqual([11]);
    expect((await call('wp_posts_search', { search: 'lemon', status: 'any' })).posts.map((p: any) => p.id)).toEqual([12, 11]);
    expect(lastRequest().query).toMatchObject({ search: 'lemon', status: 'any' });
    expect((await call('wp_posts_search', { status: 'draft' })).posts).toEqual([expect.objectContaining({ id: 12, status: 'draft', title: 'Spring menu (unfinished)' })]);
    const second = await call('wp_posts_search', { page: 2, perPage: 1 });
    expect(second).toMatchObject({ total: 2, totalPages: 2, posts: [{ id: 10 }] });
    expect(lastRequest().query).toMatchObject({ page: '2', per_page: '1' });
  });

  it('wp_get_post answers one post with its rendered content and categories', async () => {
    expect(await call('wp_get_post', { id: 11 })).toEqual({
      id: 11,
      title: 'Lemon tart',
      content: '<p>Butter, sugar, lemons and patience.</p>',
      excerpt: '<p>Our best seller</p>\n',
      status: 'publish',
      link: `${site.url}/?p=11`,
      date: '2026-01-07T09:30:00',
      modified: '2026-01-08T12:00:00',
      categories: [3],
    });
    expect(lastRequest()).toMatchObject({ method: 'GET', path: '/wp-json/wp/v2/posts/11' });
    expect(await call('wp_get_post', { id: 12 })).toMatchObject({ id: 12, status: 'draft' });
  });

  it('wp_list_categories answers categories by name with their published post counts', async () => {
    expect(await call('wp_list_categories')).toEqual({
      categories: [
        { id: 2, name: 'News', slug: 'news', count: 1 },
        { id: 3, name: 'Recipes', slug: 'recipes', count: 1 },
        { id: 1, name: 'Uncategorized', slug: 'uncategorized', count: 0 },
      ],
      total: 3,
      totalPages: 1,
    });
    expect((await call('wp_list_categories', { search: 'rec' })).categories.map((c: any) => c.slug)).toEqual(['recipes']);
    expect(lastRequest()).toMatchObject({ path: '/wp-json/wp/v2/categories', query: { search: 'rec' } });
  });

  it('wp_list_pages answers published pages, newest first', async () => {
    expect(await call('wp_list_pages')).toEqual({
      pages: [
        { id: 3, title: 'Contact', status: 'publish', link: `${site.url}/?page_id=3` },
        { id: 2, title: 'About us', status: 'publish', link: `${site.url}/?page_id=2` },
      ],
      total: 2,
      totalPages: 1,
    });
    expect((await call('wp_list_pages', { search: 'about', perPage: 5 })).pages.map((p: any) => p.id)).toEqual([2]);
    expect(lastRequest()).toMatchObject({ path: '/wp-json/wp/v2/pages', query: { search: 'about', per_page: '5' } });
  });

  it('reaches a site named with a trailing slash', async () => {
    expect(await toolsFor({ siteUrl: `${site.url}/` })('get_site_info')).toMatchObject({ name: 'Bakery Drin' });
    expect(lastRequest().path).toBe('/wp-json/');
  });
});

describe('writing posts', () => {
  it('wp_add_post creates a draft by default, in the default category', async () => {
    const added = await call('wp_add_post', { title: 'Bread of the week', content: '<p>Rye and caraway.</p>' });
    expect(lastRequest()).toMatchObject({ method: 'POST', path: '/wp-json/wp/v2/posts', authorization: basic, body: { title: 'Bread of the week', content: '<p>Rye and caraway.</p>', status: 'draft' } });
    const held = site.posts.find((p) => p.id === added.id)!;
    expect(held).toMatchObject({ title: 'Bread of the week', status: 'draft', categories: [1] });
    expect(added).toEqual({ id: held.id, title: 'Bread of the week', status: 'draft', link: `${site.url}/?p=${held.id}&preview=true`, date: held.date, excerpt: '<p>Rye and caraway.</p>\n' });
  });

  it('wp_add_post publishes into the categories given, with an excerpt', async () => {
    const added = await call('wp_add_post', { title: 'New oven', content: 'It is here.', status: 'publish', categories: [2], excerpt: 'Hot news' });
    expect(site.posts.find((p) => p.id === added.id)).toMatchObject({ status: 'publish', categories: [2], excerpt: 'Hot news' });
    expect(added).toMatchObject({ status: 'publish', excerpt: '<p>Hot news</p>\n', link: `${site.url}/?p=${added.id}` });
  });

  it('wp_update_post changes only the fields given', async () => {
    const { id } = await call('wp_add_post', { title: 'Typo in titel', content: 'Body stays.' });
    const updated = await call('wp_update_post', { id, title: 'No typo in title', status: 'publish' });
    expect(lastRequest()).toMatchObject({ method: 'POST', path: `/wp-json/wp/v2/posts/${id}`, authorization: basic });
    expect(lastRequest().body).toEqual({ title: 'No typo in title', status: 'publish' });
    expect(site.posts.find((p) => p.id === id)).toMatchObject({ title: 'No typo in title', content: 'Body stays.', status: 'publish' });
    expect(updated).toMatchObject({ id, title: 'No typo in title', status: 'publish' });
    expect(await call('wp_update_post', { id, categories: [3] })).toMatchObject({ id });
    expect(site.posts.find((p) => p.id === id)?.categories).toEqual([3]);
  });

  it('refuses an update that changes nothing before asking the site', async () => {
    const before = site.requests.length;
    expect(await caught(() => call('wp_update_post', { id: 10 }))).toBeInstanceOf(ZodError);
    expect(site.requests.length).toBe(before);
  });
});

describe('refusals', () => {
  it('a wrong application password: WordPress refuses the write, and the error says so', async () => {
    const before = site.posts.length;
    const err = await refusal(() => wrongPassword('wp_add_post', { title: 'x', content: 'y' }));
    expect(err.code).toBe(ErrorCode.FORBIDDEN);
    expect(err.message).toContain('WordPress refused the credentials');
    expect(err.message).toContain('Sorry, you are not allowed to create posts as this user.');
    expect(site.posts.length).toBe(before);
    const update = await refusal(() => wrongPassword('wp_update_post', { id: 10, title: 'x' }));
    expect(update.code).toBe(ErrorCode.FORBIDDEN);
    expect(update.message).toContain('Sorry, you are not allowed to edit this post.');
    expect(site.posts.find((p) => p.id === 10)?.title).toBe('Opening hours for the holidays');
  });

  it('a wrong application password: drafts stay hidden', async () => {
    const err = await refusal(() => wrongPassword('wp_posts_search', { status: 'draft' }));
    expect(err.code).toBe(ErrorCode.VALIDATION_FAILED);
    expect(err.message).toContain('status: Status is forbidden.');
    expect(err.details).toEqual([{ path: ['status'], message: 'Status is forbidden.' }]);
    expect((await refusal(() => wrongPassword('wp_get_post', { id: 12 }))).code).toBe(ErrorCode.FORBIDDEN);
  });

  it('an unknown post id is NOT_FOUND, reading or updating', async () => {
    for (const [name, args] of [['wp_get_post', { id: 9999 }], ['wp_update_post', { id: 9999, title: 'x' }]] as const) {
      const err = await refusal(() => call(name, args));
      expect(err.code).toBe(ErrorCode.NOT_FOUND);
      expect(err.message).toContain('Invalid post ID.');
    }
  });

  it('WordPress\'s invalid parameters are VALIDATION_FAILED naming the parameter', async () => {
    const err = await refusal(() => call('wp_add_post', { title: 'x', content: 'y', categories: [777] }));
    expect(err.code).toBe(ErrorCode.VALIDATION_FAILED);
    expect(err.details).toEqual([{ path: ['categories'], message: 'Invalid term ID 777.' }]);
    const past = await refusal(() => call('wp_posts_search', { page: 50 }));
    expect(past.code).toBe(ErrorCode.VALIDATION_FAILED);
    expect(past.message).toContain('larger than the number of pages');
  });

  it('a forbidden action, a failing site and an odd answer each get their own code', async () => {
    site.answerNext(403, { code: 'rest_cannot_publish', message: 'Sorry, you are not allowed to publish posts as this user.', data: { status: 403 } });
    const forbidden = await refusal(() => call('wp_add_post', { title: 'x', content: 'y', status: 'publish' }));
    expect(forbidden).toMatchObject({ code: ErrorCode.FORBIDDEN });
    expect(forbidden.message).toContain('not allowed to publish');
    site.answerNext(500, { code: 'internal_server_error', message: '<p>There has been a critical error on this website.</p>', data: { status: 500 } });
    const failed = await refusal(() => call('wp_posts_search'));
    expect(failed.code).toBe(ErrorCode.SERVICE_UNAVAILABLE);
    expect(failed.message).toContain('There has been a critical error on this website.');
    expect(failed.message).not.toContain('<p>');
    site.answerNext(200, { not: 'a list' });
    expect((await refusal(() => call('wp_posts_search'))).code).toBe(ErrorCode.SERVICE_UNAVAILABLE);
  });

  it('scrubs the application password from anything the site echoes back', async () => {
    site.answerNext(401, { code: 'incorrect_password', message: `The password ${site.applicationPassword} (${site.applicationPassword.replace(/\s+/g, '')}) is wrong.`, data: { status: 401 } });
    const err = await refusal(() => call('get_site_info'));
    expect(err.code).toBe(ErrorCode.FORBIDDEN);
    expect(err.message).toContain('[redacted]');
  });

  it('an unreachable site is SERVICE_UNAVAILABLE', async () => {
    const gone = new WordPressSite();
    await gone.start();
    const url = gone.url;
    await gone.stop();
    const err = await refusal(() => toolsFor({ siteUrl: url })('get_site_info'));
    expect(err.code).toBe(ErrorCode.SERVICE_UNAVAILABLE);
    expect(err.message).toContain('refused the connection');
  });

  it('a loopback site is refused before any request when private addresses are not allowed', async () => {
    const before = site.requests.length;
    const err = await refusal(() => toolsFor({ allowPrivateUrls: false })('get_site_info'));
    expect(err.code).toBe(ErrorCode.VALIDATION_FAILED);
    expect(err.details).toEqual([expect.objectContaining({ path: ['siteUrl'] })]);
    expect(site.requests.length).toBe(before);
  });
});
