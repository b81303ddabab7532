// A WordPress site on loopback, in memory, speaking the subset of the REST API the WordPress
// provider uses, with WordPress's own shapes, headers and error bodies: the index (/wp-json/),
// posts (list, read, create, update), categories and pages. Application-password Basic auth is
// required to write and to see anything not published; a wrong password counts as no login, as
// WordPress answers a visitor. Every request is recorded so a test can assert what the site got.
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface SitePost {
  id: number;
  title: string;
  content: string;
  excerpt: string;
  status: 'publish' | 'future' | 'draft' | 'pending' | 'private';
  /** Site-local time without offset, as WordPress gives it. */
  date: string;
  modified: string;
  categories: number[];
}
export interface SiteCategory { id: number; name: string; slug: string }
export interface SitePage { id: number; title: string; status: SitePost['status']; date: string }

export interface SiteRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  /** The Authorization header as received (a test checks the credentials were sent). */
  authorization: string | undefined;
  body: unknown;
}

interface Answer { status: number; body: unknown; headers?: Record<string, string> }

const STATUSES = ['publish', 'future', 'draft', 'pending', 'private'] as const;
const wpError = (status: number, code: string, message: string, params?: Record<string, string>): Answer => ({
  status,
  body: { code, message, data: params ? { status, params } : { status } },
});
const invalidParam = (param: string, why: string) => wpError(400, 'rest_invalid_param', `Invalid parameter(s): ${param}`, { [param]: why });
const plain = (html: string) => html.replace(/<[^>]*>/g, '');
const localNow = () => new Date().toISOString().slice(0, 19);

export class WordPressSite {
  readonly username = 'editor';
  /** Shown by WordPress in groups of four; it takes it with or without the spaces. */
  readonly applicationPassword = 'abcd EFGH 1234 ijkl MNOP 5678';
  readonly requests: SiteRequest[] = [];
  readonly categories: SiteCategory[] = [
    { id: 1, name: 'Uncategorized', slug: 'uncategorized' },
    { id: 2, name: 'News', slug: 'news' },
    { id: 3, name: 'Recipes', slug: 'recipes' },
  ];
  readonly posts: SitePost[] = [
    { id: 10, title: 'Opening hours for the holidays', content: '<p>We close at noon on the 24th.</p>', excerpt: '', status: 'publish', date: '2026-01-05T10:00:00', modified: '2026-01-05T10:00:00', categories: [2] },
    { id: 11, title: 'Lemon tart', content: '<p>Butter, sugar, lemons and patience.</p>', excerpt: 'Our best seller', status: 'publish', date: '2026-01-07T09:30:00', modified: '2026-01-08T12:00:00', categories: [3] },
    { id: 12, title: 'Spring menu (unfinished)', content: '<p>Asparagus, lemon and peas.</p>', excerpt: '', status: 'draft', date: '2026-01-09T16:45:00', modified: '2026-01-09T16:45:00', categories: [3] },
  ];
  readonly pages: SitePage[] = [
    { id: 2, title: 'About us', status: 'publish', date: '2025-11-01T08:00:00' },
    { id: 3, title: 'Contact', status: 'publish', date: '2025-11-02T08:00:00' },
    { id: 4, title: 'Secret sale', status: 'draft', date: '2025-12-01T08:00:00' },
  ];
  name = 'Bakery Drin';
  description = 'Bread and cakes since 1998';
  timezone = 'Europe/Lisbon';
  private server?: http.Server;
  private nextId = 100;
  private scripted: Answer[] = [];

  /** The next request gets this answer instead of the site's (a failing host, a plugin's odd reply); it is still recorded. */
  answerNext(status: number, body: unknown): void {
    this.scripted.push({ status, body });
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server?.address() as AddressInfo | undefined)?.port ?? 0}`;
  }

  async start(): Promise<void> {
    this.server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const url = new URL(req.url ?? '/', 'http://site');
        const raw = Buffer.concat(chunks).toString('utf8');
        let body: unknown;
        try {
          body = raw ? JSON.parse(raw) : undefined;
        } catch {
          body = undefined;
        }
        const call: SiteRequest = { method: req.method ?? 'GET', path: url.pathname, query: Object.fromEntries(url.searchParams), authorization: req.headers.authorization, body };
        this.requests.push(call);
        const answer = this.scripted.shift() ?? this.route(call);
        const shown = answer.status < 300 && call.query._fields ? pick(answer.body, call.query._fields.split(',')) : answer.body;
        res.writeHead(answer.status, { 'content-type': 'application/json; charset=UTF-8', ...answer.headers }).end(JSON.stringify(shown));
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
  }

  async stop(): Promise<void> {
    if (!this.server) return;
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server!.close(resolve));
  }

  /** Whether a request carries this site's user and application password. */
  private loggedIn(call: SiteRequest): boolean {
    const [scheme, encoded] = (call.authorization ?? '').split(' ');
    if (scheme !== 'Basic' || !encoded) return false;
    const decoded = Buffer.from(encoded, 'base64').toString('utf8');
    const at = decoded.indexOf(':');
    const squash = (s: string) => s.replace(/\s+/g, '');
    return decoded.slice(0, at) === this.username && squash(decoded.slice(at + 1)) === squash(this.applicationPassword);
  }

  private route(call: SiteRequest): Answer {
    const { method, path } = call;
    const rest = path.replace(/^\/wp-json/, '');
    if (rest === path) return wpError(404, 'rest_no_route', 'No route was found matching the URL and request method.');
    if ((rest === '' || rest === '/') && method === 'GET') return { status: 200, body: this.index() };
    if (rest === '/wp/v2/posts' && method === 'GET') return this.listPosts(call);
    if (rest === '/wp/v2/posts' && method === 'POST') return this.createPost(call);
    const one = /^\/wp\/v2\/posts\/(\d+)$/.exec(rest);
    if (one && method === 'GET') return this.getPost(call, Number(one[1]));
    if (one && (method === 'POST' || method === 'PUT')) return this.updatePost(call, Number(one[1]));
    if (rest === '/wp/v2/categories' && method === 'GET') return this.listCategories(call);
    if (rest === '/wp/v2/pages' && method === 'GET') return this.listPages(call);
    return wpError(404, 'rest_no_route', 'No route was found matching the URL and request method.');
  }

  private index() {
    return {
      name: this.name,
      description: this.description,
      url: this.url,
      home: this.url,
      gmt_offset: 0,
      timezone_string: this.timezone,
      namespaces: ['oembed/1.0', 'wp/v2', 'wp-site-health/v1'],
      authentication: { 'application-passwords': { endpoints: { authorization: `${this.url}/wp-admin/authorize-application.php` } } },
      routes: {},
    };
  }

  // ── posts ──

  private postJson(p: SitePost) {
    const excerpt = p.excerpt || plain(p.content).split(/\s+/).slice(0, 55).join(' ');
    return {
      id: p.id,
      date: p.date,
      date_gmt: p.date,
      modified: p.modified,
      modified_gmt: p.modified,
      slug: p.title.toLowerCase().replace(/[^a-z0-9]+/g, '-'),
      status: p.status,
      type: 'post',
      link: p.status === 'publish' ? `${this.url}/?p=${p.id}` : `${this.url}/?p=${p.id}&preview=true`,
      title: { rendered: p.title },
      content: { rendered: p.content, protected: false },
      excerpt: { rendered: `<p>${excerpt}</p>\n`, protected: false },
      author: 1,
      categories: p.categories,
      tags: [],
    };
  }

  private listPosts(call: SiteRequest): Answer {
    const statuses = (call.query.status ?? 'publish').split(',');
    const wanted = statuses.includes('any') ? [...STATUSES] : statuses;
    if (wanted.some((s) => !(STATUSES as readonly string[]).includes(s))) return invalidParam('status', 'status is not one of publish, future, draft, pending, private, any.');
    if (wanted.some((s) => s !== 'publish') && !this.loggedIn(call)) return invalidParam('status', 'Status is forbidden.');
    const search = call.query.search?.toLowerCase();
    const found = this.posts
      .filter((p) => wanted.includes(p.status) && (!search || `${p.title} ${plain(p.content)}`.toLowerCase().includes(search)))
      .sort((a, b) => b.date.localeCompare(a.date));
    return paged(call, found, (p) => this.postJson(p), 'rest_post_invalid_page_number');
  }

  private getPost(call: SiteRequest, id: number): Answer {
    const post = this.posts.find((p) => p.id === id);
    if (!post) return wpError(404, 'rest_post_invalid_id', 'Invalid post ID.');
    if (post.status !== 'publish' && !this.loggedIn(call)) return wpError(401, 'rest_forbidden', 'Sorry, you are not allowed to do that.');
    return { status: 200, body: this.postJson(post) };
  }

  private createPost(call: SiteRequest): Answer {
    if (!this.loggedIn(call)) return wpError(401, 'rest_cannot_create', 'Sorry, you are not allowed to create posts as this user.');
    const fields = (call.body ?? {}) as Partial<SitePost>;
    if (!fields.title && !fields.content && !fields.excerpt) return wpError(400, 'empty_content', 'Content, title, and excerpt are empty.');
    const refused = this.refusedFields(fields);
    if (refused) return refused;
    const now = localNow();
    const post: SitePost = { id: this.nextId++, title: fields.title ?? '', content: fields.content ?? '', excerpt: fields.excerpt ?? '', status: fields.status ?? 'draft', date: now, modified: now, categories: fields.categories?.length ? fields.categories : [1] };
    this.posts.push(post);
    return { status: 201, body: this.postJson(post) };
  }

  private updatePost(call: SiteRequest, id: number): Answer {
    const post = this.posts.find((p) => p.id === id);
    if (!post) return wpError(404, 'rest_post_invalid_id', 'Invalid post ID.');
    if (!this.loggedIn(call)) return wpError(401, 'rest_cannot_edit', 'Sorry, you are not allowed to edit this post.');
    const fields = (call.body ?? {}) as Partial<SitePost>;
    const refused = this.refusedFields(fields);
    if (refused) return refused;
    for (const key of ['title', 'content', 'excerpt', 'status', 'categories'] as const) if (fields[key] !== undefined) Object.assign(post, { [key]: fields[key] });
    post.modified = localNow();
    return { status: 200, body: this.postJson(post) };
  }

  private refusedFields(fields: Partial<SitePost>): Answer | undefined {
    if (fields.status !== undefined && !(STATUSES as readonly string[]).includes(fields.status)) return invalidParam('status', 'status is not one of publish, future, draft, pending, private.');
    const unknown = fields.categories?.find((id) => !this.categories.some((c) => c.id === id));
    if (unknown !== undefined) return invalidParam('categories', `Invalid term ID ${unknown}.`);
    return undefined;
  }

  // ── categories and pages ──

  private listCategories(call: SiteRequest): Answer {
    const search = call.query.search?.toLowerCase();
    const found = this.categories.filter((c) => !search || c.name.toLowerCase().includes(search)).sort((a, b) => a.name.localeCompare(b.name));
    const count = (c: SiteCategory) => this.posts.filter((p) => p.status === 'publish' && p.categories.includes(c.id)).length;
    return paged(call, found, (c) => ({ id: c.id, count: count(c), description: '', link: `${this.url}/?cat=${c.id}`, name: c.name, slug: c.slug, taxonomy: 'category', parent: 0 }), 'rest_invalid_page_number');
  }

  private listPages(call: SiteRequest): Answer {
    const statuses = (call.query.status ?? 'publish').split(',');
    if (statuses.some((s) => s !== 'publish') && !this.loggedIn(call)) return invalidParam('status', 'Status is forbidden.');
    const search = call.query.search?.toLowerCase();
    const found = this.pages.filter((p) => statuses.includes(p.status) && (!search || p.title.toLowerCase().includes(search))).sort((a, b) => b.date.localeCompare(a.date));
    return paged(call, found, (p) => ({ id: p.id, date: p.date, status: p.status, type: 'page', link: `${this.url}/?page_id=${p.id}`, title: { rendered: p.title }, parent: 0, menu_order: 0 }), 'rest_post_invalid_page_number');
  }
}

/** WordPress's paging: page and per_page (at most 100), X-WP-Total and X-WP-TotalPages, a 400 past the end. */
function paged<T>(call: SiteRequest, all: T[], toJson: (item: T) => unknown, pastEndCode: string): Answer {
  const page = Number(call.query.page ?? 1);
  const perPage = Number(call.query.per_page ?? 10);
  if (!Number.isInteger(perPage) || perPage < 1 || perPage > 100) return invalidParam('per_page', 'per_page must be between 1 (inclusive) and 100 (inclusive)');
  if (!Number.isInteger(page) || page < 1) return invalidParam('page', 'page must be greater than or equal to 1');
  const totalPages = Math.ceil(all.length / perPage);
  if (page > totalPages && all.length > 0) return wpError(400, pastEndCode, 'The page number requested is larger than the number of pages available.');
  return {
    status: 200,
    body: all.slice((page - 1) * perPage, page * perPage).map(toJson),
    headers: { 'X-WP-Total': String(all.length), 'X-WP-TotalPages': String(totalPages) },
  };
}

/** WordPress's _fields: only the named top-level fields of an object, or of each in a list. */
function pick(body: unknown, fields: string[]): unknown {
  if (Array.isArray(body)) return body.map((b) => pick(b, fields));
  if (!body || typeof body !== 'object') return body;
  return Object.fromEntries(Object.entries(body).filter(([k]) => fields.includes(k)));
}
