// Keyset pagination, the one way every list route pages: an opaque cursor naming the position
// after the last row of the previous page, so pages stay stable while rows arrive.
import { z } from 'zod';

/**
 * An opaque page cursor: base64url of [ISO instant, ISO instant or null, row id], the position
 * after the last row of the previous page (the second instant breaks ties of the first, e.g.
 * WhatsApp's whole-second times by arrival). Anything else is a 400.
 */
export const ZCursor = z
  .string()
  .max(200)
  .transform((v, ctx) => {
    try {
      const [at, then, id] = z
        .tuple([z.iso.datetime(), z.iso.datetime().nullable(), z.string().regex(/^[A-Za-z0-9_-]{1,64}$/)])
        .parse(JSON.parse(Buffer.from(v, 'base64url').toString('utf8')));
      return { at: new Date(at), then: then ? new Date(then) : null, id };
    } catch {
      ctx.addIssue({ code: 'custom', message: 'not a cursor this API gave out' });
      return z.NEVER;
    }
  });
export type TCursor = z.output<typeof ZCursor>;

export function encodeCursor(at: Date, then: Date | null, id: string): string {
  return Buffer.from(JSON.stringify([at.toISOString(), then?.toISOString() ?? null, id])).toString('base64url');
}

/** `?limit=` of a list: 1..100, 30 when absent. */
export const ZLimit = z.coerce.number().int().min(1).max(100).default(30);

/** `?limit=&cursor=` — list routes extend it with their filters. */
export const ZPageQuery = z.strictObject({ limit: ZLimit, cursor: ZCursor.optional() });
export type TPageQuery = z.output<typeof ZPageQuery>;
