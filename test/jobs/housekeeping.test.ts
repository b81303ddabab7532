// Housekeeping over a real database, run by its schedule: what is past its retention goes (in
// every table that grows without bound), what is still in use or recent stays; the run's row says
// what it purged, GET /api/admin/jobs shows it, and the metrics count it.
import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { makeContact, makeConversation, makeMessage } from '../contacts/contact-factories.js';
import { ADMIN_KEY, startAppHarness, type AppHarness } from '../support/app-harness.js';
import { eventually } from '../support/eventually.js';
import { makeStore } from '../support/factories.js';

let h: AppHarness;
beforeAll(async () => {
  // Every second, so the test waits for the schedule's first run rather than calling it.
  h = await startAppHarness({ env: { HOUSEKEEPING_CRON: '* * * * * *', RETENTION_MEDIA_DAYS: '30', RETENTION_STATUS_EVENTS_DAYS: '90' } });
});
afterAll(async () => {
  await h?.services.jobs.scheduler.stop();
  await h?.close();
});

const daysAgo = (d: number) => new Date(Date.now() - d * 86_400_000);

it('purges what is past its retention and keeps the rest; the run is listed and counted', async () => {
  const p = h.db.prisma;
  const store = await makeStore(h.services);
  const { storeId } = store;
  // Slot commands: a finished old one goes; a pending old one and a finished recent one stay.
  await p.slotCommand.create({ data: { storeId, slot: 1, command: 'stop', status: 'done', createdAt: daysAgo(8) } });
  const oldPending = await p.slotCommand.create({ data: { storeId, slot: 1, command: 'stop', status: 'pending', createdAt: daysAgo(8) } });
  const recentDone = await p.slotCommand.create({ data: { storeId, slot: 1, command: 'stop', status: 'done', createdAt: daysAgo(1) } });
  // A message with an old and a recent status event, an old stored media file and a recent one.
  const contact = await makeContact(h, storeId, { name: 'Ana' });
  const thread = await makeConversation(h, storeId, contact.id);
  const message = await makeMessage(h, storeId, contact.id, thread.id, { text: 'foto' });
  const newer = await makeMessage(h, storeId, contact.id, thread.id, { text: 'outra' });
  await p.messageStatusEvent.create({ data: { storeId, messageId: message.id, status: 'delivered', at: daysAgo(91) } });
  const recentEvent = await p.messageStatusEvent.create({ data: { storeId, messageId: message.id, status: 'read', at: daysAgo(2) } });
  const oldMedia = await p.messageMedia.create({ data: { storeId, messageId: message.id, status: 'stored', data: Buffer.from('jpeg'), size: 4, createdAt: daysAgo(31) } });
  const recentMedia = await p.messageMedia.create({ data: { storeId, messageId: newer.id, status: 'stored', data: Buffer.from('jpeg'), size: 4, createdAt: daysAgo(3) } });
  // Webhook deliveries: delivered and dead old ones go; a pending old one and a recent delivered one stay.
  const hook = await h.request('POST', `/api/client/${storeId}/webhooks`, { key: store.apiKey, body: { url: 'https://203.0.113.20/hook', events: ['*'] } });
  const delivery = (eventId: string, status: string, updatedAt: Date) =>
    p.webhookDelivery.create({ data: { storeId, webhookId: hook.body.id, eventId, event: 'contact.created', payload: {}, status, updatedAt } });
  await delivery('e1', 'delivered', daysAgo(31));
  await delivery('e2', 'dead', daysAgo(31));
  const oldPendingDelivery = await delivery('e3', 'pending', daysAgo(31));
  const recentDelivered = await delivery('e4', 'delivered', daysAgo(1));
  // MCP tokens: revoked and expired long ago go; a live one stays.
  const conn = await h.request('POST', `/api/client/${storeId}/connections`, { key: store.apiKey, body: { provider: 'crm', name: 'Agents' } });
  const token = async () => (await h.request('POST', `/api/client/${storeId}/connections/${conn.body.id}/tokens`, { key: store.apiKey, body: {} })).body.id as string;
  const [revoked, expired, live] = [await token(), await token(), await token()];
  await p.mcpToken.update({ where: { id: revoked }, data: { revokedAt: daysAgo(31) } });
  await p.mcpToken.update({ where: { id: expired }, data: { expiresAt: daysAgo(31) } });
  // A job run from long ago.
  await p.jobRun.create({ data: { key: 'housekeeping:2020-01-01T04:30:00.000Z', job: 'housekeeping', scheduledFor: new Date('2020-01-01T04:30:00Z'), processId: 'gone', startedAt: daysAgo(40), result: 'ok' } });

  h.services.jobs.scheduler.start();
  const run = await eventually(() => p.jobRun.findFirst({ where: { job: 'housekeeping', result: { not: 'running' }, startedAt: { gt: daysAgo(1) } } }), (r) => r !== null, 60_000);
  expect(run).toMatchObject({ result: 'ok', error: null });
  expect(run!.detail).toEqual({ slotCommands: 1, statusEvents: 1, webhookDeliveries: 2, mcpTokens: 2, media: 1, jobRuns: 1 });

  const ids = async <T extends { id: string }>(rows: Promise<T[]>) => (await rows).map((r) => r.id).sort();
  expect(await ids(p.slotCommand.findMany({ where: { storeId } }))).toEqual([oldPending.id, recentDone.id].sort());
  expect(await ids(p.messageStatusEvent.findMany({ where: { storeId } }))).toEqual([recentEvent.id]);
  expect(await ids(p.webhookDelivery.findMany({ where: { storeId } }))).toEqual([oldPendingDelivery.id, recentDelivered.id].sort());
  expect(await ids(p.mcpToken.findMany({ where: { storeId } }))).toEqual([live]);
  expect(await p.messageMedia.findUniqueOrThrow({ where: { id: oldMedia.id } })).toMatchObject({ status: 'expired', data: null });
  expect(await p.messageMedia.findUniqueOrThrow({ where: { id: recentMedia.id } })).toMatchObject({ status: 'stored' });
  // The message whose media expired is still there, and its media says why it is gone.
  const media = await h.request('GET', `/api/client/${storeId}/messages/${message.id}/media`, { key: store.apiKey });
  expect([media.status, media.body.error?.message]).toEqual([404, 'The media is not available (expired)']);

  const listed = await h.request('GET', '/api/admin/jobs', { key: ADMIN_KEY });
  expect(listed.status).toBe(200);
  expect(listed.body.jobs).toEqual([{ name: 'housekeeping', schedule: '* * * * * *', lastRun: expect.objectContaining({ result: expect.stringMatching(/ok|running/) }) }]);
  expect((await h.request('GET', '/api/admin/jobs', { key: store.apiKey })).status).toBe(401);
  const metrics = await h.request('GET', '/metrics');
  expect(metrics.body).toMatch(/drin_job_runs_total\{job="housekeeping",result="ok"\} [1-9]/);
});
