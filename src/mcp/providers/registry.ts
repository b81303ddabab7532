// Every MCP provider the daemon serves, by key. A new provider is its own folder under providers/
// and one line here; boot writes the list into service_providers (no migration).
import type { McpProvider } from '../provider.js';
import type { McpServices } from '../services.js';
import { crmProvider } from './crm/index.js';
import { whatsappProvider } from './whatsapp/index.js';
import { wordpressProvider } from './wordpress/index.js';

// Each provider's own config and secret types are erased here: the endpoint hands a provider only
// what its own schemas parsed.
export const PROVIDERS: ReadonlyMap<string, McpProvider<unknown, unknown, McpServices>> = new Map(
  ([whatsappProvider, crmProvider, wordpressProvider] as McpProvider<never, never, McpServices>[]).map((p) => [p.key, p as unknown as McpProvider<unknown, unknown, McpServices>]),
);
