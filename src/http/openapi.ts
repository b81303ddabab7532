// The OpenAPI document is generated from the same zod schemas the handlers validate with, so the
// contract cannot drift from the code. Route files register each route's schemas here.
import { z } from 'zod';

export interface RouteContract {
  method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  /** Express-style path; `:param` becomes `{param}`. */
  path: string;
  summary: string;
  tag: string;
  auth: 'none' | 'admin' | 'store' | 'mcp' | 'evolution';
  params?: z.ZodObject;
  query?: z.ZodObject;
  body?: z.ZodType;
  /** Status → schema of the JSON body (undefined for an empty body). */
  responses: Record<number, z.ZodType | undefined>;
  /** The shape of this route's error answers, when not the one error shape (a compatibility API's). */
  errorBody?: z.ZodType;
}

/** The one error shape (for routes that name an error answer of their own, e.g. a webhook's 401). */
export const ZErrorBody = z.object({
  error: z.object({ code: z.string(), message: z.string(), requestId: z.string(), details: z.unknown().optional() }),
});

function jsonSchema(schema: z.ZodType, io: 'input' | 'output') {
  return z.toJSONSchema(schema, { io, unrepresentable: 'any' });
}

function parameters(schema: z.ZodObject | undefined, where: 'path' | 'query') {
  if (!schema) return [];
  return Object.entries(schema.shape).map(([name, field]) => ({
    name,
    in: where,
    required: where === 'path' || !(field as z.ZodType).safeParse(undefined).success,
    schema: jsonSchema(field as z.ZodType, 'input'),
  }));
}

export class OpenApiRegistry {
  private readonly routes: RouteContract[] = [];

  add(route: RouteContract): RouteContract {
    this.routes.push(route);
    return route;
  }

  document(info: { title: string; version: string }) {
    const paths: Record<string, Record<string, unknown>> = {};
    for (const r of this.routes) {
      const path = r.path.replace(/:(\w+)/g, '{$1}');
      const responses: Record<string, unknown> = {};
      for (const [status, schema] of Object.entries(r.responses)) {
        responses[status] = schema
          ? { description: 'OK', content: { 'application/json': { schema: jsonSchema(schema, 'output') } } }
          : { description: 'No content' };
      }
      const error = (description: string) => ({ description, content: { 'application/json': { schema: jsonSchema(r.errorBody ?? ZErrorBody, 'output') } } });
      // What any route may answer besides its own outcomes (the error middleware and the limits).
      if (r.params || r.query || r.body) responses['400'] ??= error('Invalid input: details lists the issues');
      if (r.auth !== 'none') {
        responses['401'] ??= error('No key, or a key that matches nothing');
        if (r.auth === 'store') responses['403'] ??= error("Another store's key");
        if (r.auth === 'evolution') responses['403'] ??= error('An instance token used on another instance, or where only the global key may act');
        if (r.auth === 'mcp') responses['403'] ??= error('A token of another provider\'s or an inactive connection, or an Origin not allowed');
        responses['429'] ??= error('Rate limited: retry after the Retry-After header');
      }
      responses['503'] ??= error('The database is unavailable: retry after the Retry-After header');
      responses.default = error('Error');
      paths[path] ??= {};
      paths[path][r.method] = {
        summary: r.summary,
        tags: [r.tag],
        security: r.auth === 'none' ? [] : [{ [`${r.auth}Key`]: [] }],
        parameters: [...parameters(r.params, 'path'), ...parameters(r.query, 'query')],
        // A body the schema takes empty (Evolution's finds) is optional: a client may send none.
        ...(r.body ? { requestBody: { required: !r.body.safeParse({}).success, content: { 'application/json': { schema: jsonSchema(r.body, 'input') } } } } : {}),
        responses,
      };
    }
    return {
      openapi: '3.1.0',
      info,
      components: {
        securitySchemes: {
          adminKey: { type: 'http', scheme: 'bearer', description: 'DRIN_API_KEY' },
          storeKey: { type: 'http', scheme: 'bearer', description: "The store's apiKey, only valid on its own :storeId" },
          mcpKey: { type: 'http', scheme: 'bearer', description: "A token of one of the store's connections (POST …/connections/:id/tokens)" },
          evolutionKey: { type: 'apiKey', in: 'header', name: 'apikey', description: "Evolution API's apikey header: the global key (DRIN_API_KEY) or an instance's own token" },
        },
      },
      paths,
    };
  }
}
