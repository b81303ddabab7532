// Errors on the Evolution routes in Evolution's shape — { status, error, response: { message: [] } }
// — which its clients parse; the classification (status, code, message) is the one error
// middleware's. And the 501 every Evolution endpoint Drin does not answer gets, naming the Drin
// route to use instead: a client learns what to change, never meets a silent 404.
import type { RequestHandler } from 'express';
import type { ErrorBody } from '../../http/error-middleware.js';
import { AppError, ErrorCode } from '../../kernel/index.js';

const REASON: Record<number, string> = {
  400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 405: 'Method Not Allowed', 409: 'Conflict',
  413: 'Payload Too Large', 415: 'Unsupported Media Type', 429: 'Too Many Requests', 500: 'Internal Server Error',
  501: 'Not Implemented', 503: 'Service Unavailable',
};

export const evolutionErrorBody: ErrorBody = (e, requestId) => {
  const issues = Array.isArray(e.details) ? (e.details as { path?: string; message?: string }[]) : [];
  const message = issues.length ? issues.map((i) => (i.path ? `${i.path}: ${i.message}` : String(i.message))) : [e.message];
  return { status: e.status, error: REASON[e.status] ?? 'Error', response: { message }, requestId };
};

/** Evolution's endpoint families Drin has no answer for, and where Drin does it instead. */
const INSTEAD: [RegExp, string][] = [
  [/^\/message\//, 'Drin sends text, media, voice notes, locations, contact cards and reactions (POST /evolution/message/sendText, sendMedia, sendWhatsAppAudio, sendLocation, sendContact or sendReaction, or POST /api/whatsapp/:storeId/messages); not stickers, polls, lists, buttons or statuses'],
  [/^\/chat\/findContacts\//, 'GET /api/client/:storeId/contacts'],
  [/^\/chat\/sendPresence\//, 'POST /api/whatsapp/:storeId/presence'],
  [/^\/group\//, 'Drin does not manage WhatsApp groups'],
  [/^\/(typebot|openai|dify|flowise|evolutionBot|n8n|evoai)\//, "Drin's own bot: GET/PATCH /api/client/:storeId/bot/config"],
  [/^\/(chatwoot|rabbitmq|sqs|nats|websocket|kafka|pusher)\//, "Drin delivers events by webhook only: /evolution/webhook/set/:instance, or POST /api/client/:storeId/webhooks"],
  [/^\/settings\//, "Drin's store settings: GET/PATCH /api/client/:storeId/settings"],
  [/^\/proxy\//, 'Drin connects without a per-instance proxy'],
];

/** The last handler under /evolution: whatever no route above answered. */
export const notImplemented: RequestHandler = (req, _res, next) => {
  const instead = INSTEAD.find(([path]) => path.test(req.path))?.[1] ?? 'see GET /openapi.json, tag evolution, for the Evolution endpoints Drin answers';
  next(new AppError(ErrorCode.NOT_IMPLEMENTED, `Drin does not offer ${req.method} /evolution${req.path} — ${instead}`));
};
