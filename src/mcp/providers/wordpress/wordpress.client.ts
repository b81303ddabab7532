// A small client for one WordPress site's REST API (<siteUrl>/wp-json), acting as one user through
// an application password (HTTP Basic: WordPress's own way for remote apps, since 5.6). A
// WordPress error ({code, message, data:{status}}) becomes an AppError whose message carries
// WordPress's words, because they tell the agent what to change ("Invalid post ID.", "Sorry, you
// are not allowed to …"); the password is scrubbed from anything the site answers back.
import type { z } from 'zod';
import { AppError, ErrorCode } from '../../../kernel/index.js';
import { requestJson, type JsonRequestOptions } from '../../../egress/index.js';
import { ZWpCategory, ZWpError, ZWpPageListed, ZWpPost, ZWpPostListed, ZWpSiteIndex, type TWpPost } from './wordpress.schemas.js';

export interface WordPressClientOptions {
  siteUrl: string;
  username: string;
  applicationPassword: string;
  allowPrivate: boolean;
  timeoutMs: number;
}

type Query = Record<string, string | number | undefined>;

/** One page of a list, with WordPress's X-WP-Total and X-WP-TotalPages. */
export interface WpPage<T> {
  items: T[];
  total: number;
  totalPages: number;
}

/** What a post is written with (WordPress's own field names). */
export interface WpPostFields {
  title?: string;
  content?: string;
  excerpt?: string;
  status?: string;
  categories?: number[];
}

export interface WpListQuery {
  search?: string | undefined;
  page: number;
  perPage: number;
}

// Only the fields read: a post's content can be large, a site's index lists every route.
const fieldsOf = (shape: z.ZodObject) => Object.keys(shape.shape).join(',');

export class WordPressClient {
  private readonly base: string;
  private readonly authorization: string;

  constructor(private readonly options: WordPressClientOptions) {
    this.base = `${options.siteUrl.replace(/\/+$/, '')}/wp-json`;
    this.authorization = `Basic ${Buffer.from(`${options.username}:${options.applicationPassword}`).toString('base64')}`;
  }

  async siteInfo(): Promise<z.infer<typeof ZWpSiteIndex>> {
    return (await this.call('GET', '/', { _fields: fieldsOf(ZWpSiteIndex) }, undefined, ZWpSiteIndex)).body;
  }

  async listPosts(q: WpListQuery & { status?: string | undefined }): Promise<WpPage<z.infer<typeof ZWpPostListed>>> {
    return this.list('/wp/v2/posts', { ...listParams(q), status: q.status, _fields: fieldsOf(ZWpPostListed) }, ZWpPostListed);
  }

  async getPost(id: number): Promise<TWpPost> {
    return (await this.call('GET', `/wp/v2/posts/${id}`, { _fields: fieldsOf(ZWpPost) }, undefined, ZWpPost)).body;
  }

  async createPost(fields: WpPostFields): Promise<TWpPost> {
    return (await this.call('POST', '/wp/v2/posts', { _fields: fieldsOf(ZWpPost) }, fields, ZWpPost)).body;
  }

  /** WordPress takes POST for an update (PUT and PATCH too): only the fields given change. */
  async updatePost(id: number, fields: WpPostFields): Promise<TWpPost> {
    return (await this.call('POST', `/wp/v2/posts/${id}`, { _fields: fieldsOf(ZWpPost) }, fields, ZWpPost)).body;
  }

  async listCategories(q: WpListQuery): Promise<WpPage<z.infer<typeof ZWpCategory>>> {
    return this.list('/wp/v2/categories', { ...listParams(q), _fields: fieldsOf(ZWpCategory) }, ZWpCategory);
  }

  async listPages(q: WpListQuery): Promise<WpPage<z.infer<typeof ZWpPageListed>>> {
    return this.list('/wp/v2/pages', { ...listParams(q), _fields: fieldsOf(ZWpPageListed) }, ZWpPageListed);
  }

  private async list<T>(route: string, query: Query, item: z.ZodType<T>): Promise<WpPage<T>> {
    const { body, headers } = await this.call('GET', route, query, undefined, item.array());
    const total = Number(headers['x-wp-total'] ?? body.length);
    const totalPages = Number(headers['x-wp-totalpages'] ?? (body.length ? 1 : 0));
    return { items: body, total: Number.isFinite(total) ? total : body.length, totalPages: Number.isFinite(totalPages) ? totalPages : 1 };
  }

  private async call<T>(method: JsonRequestOptions['method'], route: string, query: Query, body: unknown, shape: z.ZodType<T>) {
    const url = new URL(`${this.base}${route}`);
    for (const [k, v] of Object.entries(query)) if (v !== undefined) url.searchParams.set(k, String(v));
    const answer = await requestJson(url.href, {
      method,
      body,
      headers: { authorization: this.authorization },
      allowPrivate: this.options.allowPrivate,
      timeoutMs: this.options.timeoutMs,
      field: 'siteUrl',
    }).catch((err: unknown) => {
      throw err instanceof AppError ? new AppError(err.code, `WordPress: ${err.message}`, err.details, { cause: err }) : err;
    });
    if (answer.status < 200 || answer.status >= 300) throw this.refusal(answer.status, answer.body);
    const parsed = shape.safeParse(answer.body);
    if (!parsed.success) throw new AppError(ErrorCode.SERVICE_UNAVAILABLE, `WordPress answered ${method} ${route} in a shape this connection does not read; a plugin may change the REST API`);
    return { body: parsed.data, headers: answer.headers };
  }

  /** The AppError for a WordPress error answer, with WordPress's message (scrubbed). */
  private refusal(status: number, body: unknown): AppError {
    const error = ZWpError.safeParse(body);
    const said = error.success ? `${this.scrub(error.data.message)} (${error.data.code}, HTTP ${status})` : `HTTP ${status}`;
    if (status === 401) return new AppError(ErrorCode.FORBIDDEN, `WordPress refused the credentials: ${said}. Check the connection's username and application password.`);
    if (status === 403) return new AppError(ErrorCode.FORBIDDEN, `WordPress refused the credentials for this: ${said}. The user's role may not allow it.`);
    if (status === 404) return new AppError(ErrorCode.NOT_FOUND, `WordPress: ${said}`);
    if (status === 400) {
      const params = error.success ? Object.entries(error.data.data?.params ?? {}) : [];
      const details = params.map(([param, message]) => ({ path: [param], message: this.scrub(message) }));
      return new AppError(ErrorCode.VALIDATION_FAILED, `WordPress: ${said}${details.map((d) => `; ${d.path[0]}: ${d.message}`).join('')}`, details.length ? details : undefined);
    }
    if (status < 500) return new AppError(ErrorCode.BAD_REQUEST, `WordPress: ${said}`);
    return new AppError(ErrorCode.SERVICE_UNAVAILABLE, `WordPress failed: ${said}`);
  }

  /** WordPress's words, as plain text, without the password should a plugin echo it. */
  private scrub(text: string): string {
    const password = this.options.applicationPassword;
    let plain = text.replace(/<[^>]*>/g, '');
    for (const form of new Set([password, password.replace(/\s+/g, '')])) if (form) plain = plain.split(form).join('[redacted]');
    return plain.slice(0, 500);
  }
}

const listParams = (q: WpListQuery): Query => ({ search: q.search, page: q.page, per_page: q.perPage });
