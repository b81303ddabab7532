// The WordPress provider: a connection names a site (config) and the user the tools act as, with
// one of its application passwords (secret). Requests go to whatever the site's URL resolves to,
// so they take the daemon's egress guard: no private or loopback address unless allowed.
import type { McpProvider } from '../../provider.js';
import type { McpServices } from '../../services.js';
import { WordPressClient } from './wordpress.client.js';
import { ZWordPressConfig, ZWordPressSecret, type TWordPressConfig, type TWordPressSecret } from './wordpress.schemas.js';
import { wordpressTools } from './wordpress.tools.js';

export { WordPressClient, type WordPressClientOptions } from './wordpress.client.js';
export { ZWordPressConfig, ZWordPressSecret, type TWordPressConfig, type TWordPressSecret } from './wordpress.schemas.js';

export const wordpressProvider: McpProvider<TWordPressConfig, TWordPressSecret, McpServices> = {
  key: 'wordpress',
  name: 'WordPress',
  version: '1.0.0',
  config: ZWordPressConfig,
  secret: ZWordPressSecret,
  tools: ({ config, secret, services }) =>
    wordpressTools(
      new WordPressClient({
        siteUrl: config.siteUrl,
        username: secret.username,
        applicationPassword: secret.applicationPassword,
        allowPrivate: services.egress.allowPrivateUrls,
        timeoutMs: services.egress.timeoutMs,
      }),
    ),
};
