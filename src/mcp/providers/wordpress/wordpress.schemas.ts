// The WordPress provider's contracts: a connection's config and secret, the subset of WordPress's
// REST answers the client reads (zod strips the rest, so a plugin's extra fields pass through
// harmlessly), and each tool's input and output.
import { z } from 'zod';

// ── The connection ───────────────────────────────────────────────────────────────────────────

export const ZWordPressConfig = z.strictObject({
  siteUrl: z
    .url({ protocol: /^https?$/ })
    // zod runs a refinement even after the URL check failed: a non-URL is that check's issue alone.
    .refine((raw) => {
      if (!URL.canParse(raw)) return true;
      const url = new URL(raw);
      return !url.username && !url.password && !url.search && !url.hash;
    }, 'the site URL must carry no user, password, query or fragment: credentials belong in the secret')
    .describe('the address visitors open (https://example.com, or https://example.com/blog when WordPress lives in a folder); its REST API is under /wp-json'),
});
export type TWordPressConfig = z.infer<typeof ZWordPressConfig>;

export const ZWordPressSecret = z.strictObject({
  username: z.string().min(1).describe('the WordPress user the tools act as; its role decides what they may do'),
  applicationPassword: z.string().min(1).describe('an application password of that user (Users → Profile → Application Passwords), not its login password'),
});
export type TWordPressSecret = z.infer<typeof ZWordPressSecret>;

// ── What WordPress answers ───────────────────────────────────────────────────────────────────

const ZRendered = z.object({ rendered: z.string() });

export const ZWpPost = z.object({
  id: z.number().int(),
  date: z.string(),
  modified: z.string(),
  status: z.string(),
  link: z.string(),
  title: ZRendered,
  content: ZRendered,
  excerpt: ZRendered,
  categories: z.array(z.number().int()),
});
export type TWpPost = z.infer<typeof ZWpPost>;

export const ZWpPostListed = ZWpPost.pick({ id: true, date: true, status: true, link: true, title: true, excerpt: true });
export const ZWpPageListed = ZWpPost.pick({ id: true, status: true, link: true, title: true });
export const ZWpCategory = z.object({ id: z.number().int(), name: z.string(), slug: z.string(), count: z.number().int() });

/** GET /wp-json/: the site's own description. timezone_string is '' on a site set to a bare UTC offset. */
export const ZWpSiteIndex = z.object({
  name: z.string(),
  description: z.string(),
  url: z.string(),
  home: z.string(),
  timezone_string: z.string(),
  gmt_offset: z.union([z.number(), z.string()]).optional(),
  namespaces: z.array(z.string()),
});

/** The body of every WordPress REST error. */
export const ZWpError = z.object({
  code: z.string(),
  message: z.string(),
  data: z.object({ status: z.number().optional(), params: z.record(z.string(), z.string()).optional() }).nullish(),
});

// ── The tools ────────────────────────────────────────────────────────────────────────────────

const ZPostId = z.number().int().positive().describe('a post id, as wp_posts_search answers it');
const ZSearch = z.string().min(1).max(200).optional().describe('words to look for; omit for everything, newest first');
const ZPageNumber = z.number().int().min(1).default(1).describe('which page of results, from 1');
const ZPerPage = z.number().int().min(1).max(100).default(10).describe('results per page, at most 100');
const ZWritableStatus = z.enum(['draft', 'publish', 'pending', 'private']).describe('draft: saved unseen; publish: live now; pending: awaiting an editor; private: only logged-in editors see it');
const ZCategoryIds = z.array(z.number().int().positive()).max(50).describe('category ids, from wp_list_categories; replaces the post\'s categories');
const ZTitle = z.string().min(1).max(500).describe('plain text');
const ZContent = z.string().max(500_000).describe('the body, as HTML (or block markup)');
const ZExcerpt = z.string().max(5000).describe('a short summary shown in listings');

/** The page of a list that was answered, and how many there are in all. */
const paging = {
  total: z.number().int().describe('how many match, over all pages'),
  totalPages: z.number().int(),
};

export const ZPostSummary = z.object({
  id: z.number().int(),
  title: z.string().describe('as rendered (HTML entities possible)'),
  status: z.string(),
  link: z.string().describe('the public address (a preview address for a draft)'),
  date: z.string().describe('publication date in the site\'s timezone, without offset, as WordPress gives it'),
  excerpt: z.string().describe('rendered HTML'),
});

export const ZPostsSearchInput = z.strictObject({
  search: ZSearch,
  status: z.enum(['publish', 'future', 'draft', 'pending', 'private', 'any']).optional().describe('default publish; any other needs a user who may edit posts'),
  page: ZPageNumber,
  perPage: ZPerPage,
});
export const ZPostsSearchOutput = z.object({ posts: z.array(ZPostSummary), ...paging });

export const ZGetPostInput = z.strictObject({ id: ZPostId });
export const ZPostDetail = z.object({
  ...ZPostSummary.shape,
  content: z.string().describe('rendered HTML, as visitors see it'),
  modified: z.string().describe('last change, in the site\'s timezone, without offset'),
  categories: z.array(z.number().int()).describe('category ids'),
});

export const ZAddPostInput = z.strictObject({
  title: ZTitle,
  content: ZContent,
  status: ZWritableStatus.default('draft'),
  categories: ZCategoryIds.optional(),
  excerpt: ZExcerpt.optional(),
});

export const ZUpdatePostInput = z
  .strictObject({
    id: ZPostId,
    title: ZTitle.optional(),
    content: ZContent.optional(),
    status: ZWritableStatus.optional(),
    categories: ZCategoryIds.optional(),
    excerpt: ZExcerpt.optional(),
  })
  .refine((v) => Object.keys(v).some((k) => k !== 'id' && v[k as keyof typeof v] !== undefined), 'give at least one field to change');

const listInput = { search: ZSearch, page: ZPageNumber, perPage: ZPerPage };

export const ZListCategoriesInput = z.strictObject(listInput);
export const ZListCategoriesOutput = z.object({
  categories: z.array(z.object({ id: z.number().int(), name: z.string(), slug: z.string(), count: z.number().int().describe('published posts in it') })),
  ...paging,
});

export const ZListPagesInput = z.strictObject(listInput);
export const ZListPagesOutput = z.object({
  pages: z.array(z.object({ id: z.number().int(), title: z.string(), status: z.string(), link: z.string() })),
  ...paging,
});

export const ZSiteInfoInput = z.strictObject({});
export const ZSiteInfoOutput = z.object({
  name: z.string(),
  description: z.string().describe('the tagline'),
  url: z.string().describe('where WordPress is installed'),
  home: z.string().describe('the address visitors open'),
  timezone: z.string().describe('an IANA zone, or UTC±hours when the site is set to an offset'),
  namespaces: z.array(z.string()).describe('REST namespaces: wp/v2, and one per plugin that adds routes (wc/v3 is WooCommerce)'),
});
