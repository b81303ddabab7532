// The CRM provider: the store's services, appointments, contacts, inbox and summary as MCP tools
// (crm.tools.ts), over the daemon's own domain services. A connection needs no settings and no
// secret: the store it works on is its token's.
import { z } from 'zod';
import type { McpProvider } from '../../provider.js';
import type { McpServices } from '../../services.js';
import { crmTools } from './crm.tools.js';

export const ZCrmConfig = z.strictObject({});
export type TCrmConfig = z.infer<typeof ZCrmConfig>;
export const ZCrmSecret = z.strictObject({});
export type TCrmSecret = z.infer<typeof ZCrmSecret>;

export const crmProvider: McpProvider<TCrmConfig, TCrmSecret, McpServices> = {
  key: 'crm',
  name: 'CRM',
  version: '1.0.0',
  config: ZCrmConfig,
  secret: ZCrmSecret,
  tools: (call) => crmTools(call.storeId, call.services),
};
