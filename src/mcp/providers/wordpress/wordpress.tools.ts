// The WordPress tools: read and write the site's posts, read its categories, pages and
// description, as the connection's user (so WordPress's roles decide what is allowed, and its
// refusals come back as the tool's error). Every tool talks to the site, hence openWorld.
import { defineTool, type McpTool } from '../../provider.js';
import type { WordPressClient, WpPostFields } from './wordpress.client.js';
import {
  ZAddPostInput,
  ZGetPostInput,
  ZListCategoriesInput,
  ZListCategoriesOutput,
  ZListPagesInput,
  ZListPagesOutput,
  ZPostDetail,
  ZPostsSearchInput,
  ZPostsSearchOutput,
  ZPostSummary,
  ZSiteInfoInput,
  ZSiteInfoOutput,
  ZUpdatePostInput,
  type TWpPost,
} from './wordpress.schemas.js';

const READ = { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: true };

const summaryOf = (p: Pick<TWpPost, 'id' | 'title' | 'status' | 'link' | 'date' | 'excerpt'>) => ({
  id: p.id,
  title: p.title.rendered,
  status: p.status,
  link: p.link,
  date: p.date,
  excerpt: p.excerpt.rendered,
});

/** The fields an agent gave, under WordPress's names; the ones it left out stay out (and unchanged). */
function postFields(args: { title?: string | undefined; content?: string | undefined; status?: string | undefined; categories?: number[] | undefined; excerpt?: string | undefined }): WpPostFields {
  return Object.fromEntries(Object.entries({ title: args.title, content: args.content, status: args.status, categories: args.categories, excerpt: args.excerpt }).filter(([, v]) => v !== undefined));
}

/** UTC+2, UTC-3.5: WordPress's gmt_offset when the site has no named zone. */
function offsetZone(offset: number | string | undefined): string {
  const hours = Number(offset ?? 0);
  if (!hours || !Number.isFinite(hours)) return 'UTC';
  return `UTC${hours > 0 ? '+' : ''}${hours}`;
}

export function wordpressTools(wp: WordPressClient): McpTool[] {
  return [
    defineTool({
      name: 'wp_posts_search',
      title: 'Search WordPress posts',
      description: 'Lists the site\'s posts, newest first, optionally matching words in the title or content and filtered by status. Answers a page of summaries (id, title, status, link, date, excerpt) and the total; use wp_get_post for a post\'s full content.',
      input: ZPostsSearchInput,
      output: ZPostsSearchOutput,
      hints: READ,
      run: async (args) => {
        const page = await wp.listPosts({ search: args.search, status: args.status, page: args.page, perPage: args.perPage });
        return { posts: page.items.map(summaryOf), total: page.total, totalPages: page.totalPages };
      },
    }),
    defineTool({
      name: 'wp_get_post',
      title: 'Read a WordPress post',
      description: 'One post by id: its title, rendered content and excerpt, status, link, dates and category ids.',
      input: ZGetPostInput,
      output: ZPostDetail,
      hints: READ,
      run: async ({ id }) => {
        const post = await wp.getPost(id);
        return { ...summaryOf(post), content: post.content.rendered, modified: post.modified, categories: post.categories };
      },
    }),
    defineTool({
      name: 'wp_add_post',
      title: 'Write a new WordPress post',
      description: 'Creates a post. It is a draft unless status says otherwise: publish only when the user asked for it to go live. Category ids come from wp_list_categories (none given: the site\'s default category). Each call creates another post, so do not repeat one that succeeded.',
      input: ZAddPostInput,
      output: ZPostSummary,
      hints: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: true },
      run: async (args) => summaryOf(await wp.createPost(postFields(args))),
    }),
    defineTool({
      name: 'wp_update_post',
      title: 'Change a WordPress post',
      description: 'Changes the given fields of a post and leaves the others as they are. A field given replaces what was there (categories replaces the whole list; WordPress keeps the earlier text in its revisions). status publish makes the post live.',
      input: ZUpdatePostInput,
      output: ZPostSummary,
      hints: { readOnlyHint: false, destructiveHint: true, idempotentHint: true, openWorldHint: true },
      run: async ({ id, ...fields }) => summaryOf(await wp.updatePost(id, postFields(fields))),
    }),
    defineTool({
      name: 'wp_list_categories',
      title: 'List WordPress categories',
      description: 'The site\'s post categories by name (id, name, slug, number of published posts), optionally matching words in the name: the ids wp_add_post and wp_update_post take.',
      input: ZListCategoriesInput,
      output: ZListCategoriesOutput,
      hints: READ,
      run: async (args) => {
        const page = await wp.listCategories(args);
        return { categories: page.items, total: page.total, totalPages: page.totalPages };
      },
    }),
    defineTool({
      name: 'wp_list_pages',
      title: 'List WordPress pages',
      description: 'The site\'s published pages (static pages such as About or Contact, not posts), newest first, optionally matching words: id, title, status, link.',
      input: ZListPagesInput,
      output: ZListPagesOutput,
      hints: READ,
      run: async (args) => {
        const page = await wp.listPages(args);
        return { pages: page.items.map((p) => ({ id: p.id, title: p.title.rendered, status: p.status, link: p.link })), total: page.total, totalPages: page.totalPages };
      },
    }),
    defineTool({
      name: 'get_site_info',
      title: 'Describe the WordPress site',
      description: 'The site\'s name, tagline, addresses, timezone (post dates are in it) and the REST namespaces its plugins add. A cheap first call to check that the site answers.',
      input: ZSiteInfoInput,
      output: ZSiteInfoOutput,
      hints: READ,
      run: async () => {
        const site = await wp.siteInfo();
        return { name: site.name, description: site.description, url: site.url, home: site.home, timezone: site.timezone_string || offsetZone(site.gmt_offset), namespaces: site.namespaces };
      },
    }),
  ];
}
