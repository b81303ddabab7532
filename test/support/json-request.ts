// One way for tests to call the HTTP API: bearer key, JSON (or raw) body, parsed JSON answer
// (the text when it is not JSON).
export interface JsonRequestOptions {
  key?: string;
  body?: unknown;
  rawBody?: string | Buffer;
  headers?: Record<string, string>;
}

export async function jsonRequest(
  baseUrl: string,
  method: string,
  path: string,
  { key, body, rawBody, headers = {} }: JsonRequestOptions = {},
): Promise<{ status: number; body: any; headers: Headers }> {
  const h: Record<string, string> = { ...headers };
  if (key) h.authorization = `Bearer ${key}`;
  const payload = body !== undefined ? JSON.stringify(body) : rawBody;
  if (payload !== undefined) h['content-type'] ??= 'application/json';
  const res = await fetch(baseUrl + path, { method, headers: h, body: payload });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    /* not JSON: keep the text */
  }
  return { status: res.status, body: parsed, headers: res.headers };
}
