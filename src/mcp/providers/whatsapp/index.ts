// The `whatsapp` provider: an AI agent reads the store's chats and contacts and acts on them
// through the store's own linked numbers (a superset of the public WhatsApp MCP servers' tools and
// of WAHA's MCP app).
import type { McpProvider } from '../../provider.js';
import type { McpServices } from '../../services.js';
import { whatsappReadTools } from './whatsapp-read.tools.js';
import { whatsappSendTools } from './whatsapp-send.tools.js';
import { ZWhatsAppConfig, ZWhatsAppSecret, type TWhatsAppConfig, type TWhatsAppSecret } from './whatsapp.schemas.js';

export const whatsappProvider: McpProvider<TWhatsAppConfig, TWhatsAppSecret, McpServices> = {
  key: 'whatsapp',
  name: 'WhatsApp',
  version: '1.0.0',
  config: ZWhatsAppConfig,
  secret: ZWhatsAppSecret,
  tools: (call) => [...whatsappSendTools(call), ...whatsappReadTools(call)],
};
