// What the booking tools hand the model: refusals in one shape, failures turned into results
// instead of exceptions, and times and prices written as the customer would read them.
import { DateTime } from 'luxon';
import type { z } from 'zod';
import { AppError } from '../../kernel/index.js';
import type { BotTool, ToolContext } from '../bot-tool.js';

export type ToolResult = { ok: boolean; [k: string]: unknown };

export function refusal(reason: string, message: string): ToolResult {
  return { ok: false, reason, message };
}

/** Told when a tool failed (not refused): the tool answers the model politely, the log keeps why. */
export type ToolFailureListener = (failure: { tool: string; ctx: ToolContext; error: unknown }) => void;

/**
 * A tool whose failures become `{ok: false, reason: 'error'}`: an AppError's message is the
 * model's to word (it was written for clients); anything else stays out of the model's context.
 */
export function defineTool<S extends z.ZodType>(tool: BotTool<S>, onFailure?: ToolFailureListener): BotTool {
  return {
    ...tool,
    async run(args, ctx) {
      try {
        return await tool.run(args as z.output<S>, ctx);
      } catch (error) {
        onFailure?.({ tool: tool.name, ctx, error });
        return refusal('error', error instanceof AppError ? error.message : 'The tool failed unexpectedly; try again later or hand off to a human.');
      }
    },
  };
}

/** An instant as ISO 8601 in the store's zone, with its offset: 2026-07-01T09:00:00-03:00. */
export function inZone(at: Date | string, zone: string): string {
  const d = typeof at === 'string' ? new Date(at) : at;
  return DateTime.fromJSDate(d, { zone }).toISO({ suppressMilliseconds: true })!;
}

/** A price in minor units as the store's customers read it ("R$ 50,00"); null when none is set. */
export function priceView(cents: number | null, currency: string): { cents: number; currency: string; formatted: string } | null {
  if (cents === null) return null;
  const format = new Intl.NumberFormat('pt-BR', { style: 'currency', currency });
  const digits = format.resolvedOptions().maximumFractionDigits ?? 2;
  // Intl separates the symbol with a no-break space; a plain one reads the same in a chat.
  const formatted = format.format(cents / 10 ** digits).replace(/[\u00a0\u202f]/g, ' ');
  return { cents, currency, formatted };
}
