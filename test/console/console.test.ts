// The operator console in headless Chromium (Debian's package, driven by puppeteer-core), against
// a daemon and the WhatsApp simulator: a store's key pasted in, its slots shown live; Start on a
// slot shows its QR (screenshot), the simulator's phone scans it and the page shows the slot
// connected (screenshot) without a reload; the bot's configuration saved from the page is the one
// the API returns.
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from '@jest/globals';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import { useDaemonSuite } from '../support/daemon-harness.js';
import { eventually } from '../support/eventually.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ctx = useDaemonSuite();
let browser: Browser;
let page: Page;
let shots: string;

beforeAll(async () => {
  // CONSOLE_SHOTS_DIR keeps the screenshots for a person to look at.
  shots = process.env.CONSOLE_SHOTS_DIR ?? (await mkdtemp(path.join(tmpdir(), 'drin-console-')));
  browser = await puppeteer.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'] });
  page = await browser.newPage();
  await page.setViewport({ width: 1100, height: 900 });
}, 120_000);
afterAll(async () => {
  await browser?.close();
  if (shots && !process.env.CONSOLE_SHOTS_DIR) await rm(shots, { recursive: true, force: true });
});

/** A screenshot that is a real picture (not an empty file). */
async function screenshot(name: string): Promise<void> {
  const file = path.join(shots, `${name}.png`);
  await page.screenshot({ path: file as `${string}.png`, fullPage: true });
  expect((await stat(file)).size).toBeGreaterThan(10_000);
}

it('links a slot from its QR and saves the bot configuration', async () => {
  const store = await ctx.h.createStore('Console Store');
  const errors: string[] = [];
  page.on('pageerror', (err) => errors.push(String(err)));
  page.on('console', (m) => (m.type() === 'error' ? errors.push(m.text()) : undefined));
  // Everything the page loads over the network comes from the daemon (the QR is a data: URL).
  const origins = new Set<string>();
  page.on('request', (r) => (r.url().startsWith('data:') ? undefined : origins.add(new URL(r.url()).origin)));

  await page.goto(`${ctx.h.daemon.url}/console`, { waitUntil: 'load' });
  await page.type('#storeId', store.storeId);
  await page.type('#apiKey', store.apiKey);
  await page.click('#connect');
  await page.waitForSelector('#slot-1[data-status="disconnected"]', { timeout: 30_000 });
  expect(await page.$$eval('#slots .slot', (cards) => cards.map((c) => c.id))).toEqual(['slot-1', 'slot-2', 'slot-3']);

  await page.click('#slot-2 [data-action="start"]');
  await page.waitForSelector('#slot-2[data-status="qrcode"] img.qr:not([hidden])', { timeout: 60_000 });
  await page.waitForFunction("document.querySelector('#slot-2 img.qr').naturalWidth > 100", { timeout: 30_000 });
  // Only the slot waiting for a scan shows a picture.
  expect(await page.$$eval('#slots img.qr', (imgs) => imgs.map((img) => (globalThis as unknown as { getComputedStyle(e: unknown): { display: string } }).getComputedStyle(img).display))).toEqual(['none', 'block', 'none']);
  await screenshot('qr');

  // The phone scans the QR the page shows (the same one the API serves).
  const qr = await eventually(() => ctx.h.request('GET', `/api/whatsapp/${store.storeId}/2/qr`, { key: store.apiKey }), (r) => r.status === 200, 30_000);
  expect(await page.$eval('#slot-2 img.qr', (img) => (img as unknown as { src: string }).src)).toBe(qr.body.qrCode);
  await ctx.sim.scanQr(qr.body.qr, { phone: '5511955550901' });
  await page.waitForSelector('#slot-2[data-status="connected"]', { timeout: 60_000 });
  expect(await page.$eval('#slot-2 .phone', (p) => p.textContent)).toBe('+5511955550901');
  expect(await page.$eval('#slot-2 img.qr', (img) => (globalThis as unknown as { getComputedStyle(e: unknown): { display: string } }).getComputedStyle(img).display)).toBe('none');
  await screenshot('connected');

  await page.waitForFunction(`document.querySelector('#bot [name="messageLimit"]').value !== ''`, { timeout: 30_000 });
  await page.type('#bot [name="botName"]', 'Maria');
  await page.type('#bot [name="storeType"]', 'pizzaria');
  await page.click('#saveBot');
  await page.waitForFunction(`document.querySelector('#botStatus').textContent === 'saved'`, { timeout: 30_000 });
  const config = await ctx.h.request('GET', `/api/client/${store.storeId}/config`, { key: store.apiKey });
  expect(config.body).toMatchObject({ botName: 'Maria', storeType: 'pizzaria' });

  expect(errors).toEqual([]);
  expect([...origins]).toEqual([ctx.h.daemon.url]);
}, 240_000);
