// Parses a request part with its zod schema; a failure is thrown as ZodError and the error
// middleware turns it into a 400 with the issues.
import type { Request } from 'express';
import type { z } from 'zod';

export function parseParams<S extends z.ZodType>(schema: S, req: Request): z.infer<S> {
  return schema.parse(req.params);
}

export function parseBody<S extends z.ZodType>(schema: S, req: Request): z.infer<S> {
  // A missing or non-JSON body arrives as undefined: validate it as an empty object so the
  // client gets the schema's issues rather than a type error.
  return schema.parse(req.body ?? {});
}

export function parseQuery<S extends z.ZodType>(schema: S, req: Request): z.infer<S> {
  return schema.parse(req.query);
}
