// AI context snapshots: what the model must answer (structured output), what the API shows, and
// what the manual route takes.
import { z } from 'zod';
import { ZRowId } from '../kernel/index.js';

export const SNAPSHOT_REASONS = ['manual', 'conversation_closed', 'daily'] as const;
export type TSnapshotReason = (typeof SNAPSHOT_REASONS)[number];

export const ZSnapshotFlags = z.strictObject({
  noShowRisk: z.enum(['low', 'medium', 'high']).describe('how likely the customer is to miss an appointment'),
  preferences: z.array(z.string()).describe('services, times, people or styles the customer prefers'),
  objections: z.array(z.string()).describe('what holds the customer back: price, distance, schedule…'),
  sentiment: z.enum(['positive', 'neutral', 'negative']),
});
export type TSnapshotFlags = z.infer<typeof ZSnapshotFlags>;

/**
 * The model's answer. No length limits here: strict structured output (OpenAI, and the providers
 * OpenRouter routes to) does not take `maxLength`/`maxItems` everywhere, so the service clips instead.
 */
export const ZSnapshotOutput = z.strictObject({
  summary: z.string().describe('a few sentences about the customer, in the customer’s language'),
  flags: ZSnapshotFlags,
});
export type TSnapshotOutput = z.infer<typeof ZSnapshotOutput>;

/** ZSnapshotOutput as the `json_schema` response format takes it (draft-7, no `$schema` key). */
export function snapshotOutputJsonSchema(): Record<string, unknown> {
  const { $schema: _schema, ...schema } = z.toJSONSchema(ZSnapshotOutput, { target: 'draft-7' }) as Record<string, unknown>;
  return schema;
}

export const ZSnapshot = z.object({
  id: z.string(),
  contactId: z.string(),
  conversationId: z.string().nullable().describe('the conversation that prompted it (closed, or named by the caller)'),
  summary: z.string(),
  flags: ZSnapshotFlags,
  model: z.string().nullable(),
  reason: z.enum(SNAPSHOT_REASONS),
  createdAt: z.iso.datetime(),
});
export type TSnapshot = z.infer<typeof ZSnapshot>;

export const ZSnapshotBody = z.strictObject({
  force: z.boolean().optional().describe('make a new one even when the latest is under 12 hours old'),
  conversationId: ZRowId.optional().describe('one of the contact’s conversations, recorded as what prompted it'),
});
export type TSnapshotBody = z.infer<typeof ZSnapshotBody>;
