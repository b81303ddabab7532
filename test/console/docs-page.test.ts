// /docs in headless Chromium: Swagger UI, served by the daemon under its Content-Security-Policy,
// renders every operation of /openapi.json, and the page asks nothing of any other origin.
import { afterAll, beforeAll, expect, it } from '@jest/globals';
import puppeteer, { type Browser } from 'puppeteer-core';
import { startAppHarness, type AppHarness } from '../support/app-harness.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
let h: AppHarness;
let browser: Browser;
beforeAll(async () => {
  h = await startAppHarness();
  browser = await puppeteer.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'] });
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await h?.close();
});

it('renders every operation of the document, loading only from the daemon', async () => {
  const page = await browser.newPage();
  const errors: string[] = [];
  page.on('pageerror', (err) => errors.push(String(err)));
  page.on('console', (m) => (m.type() === 'error' ? errors.push(m.text()) : undefined));
  const origins = new Set<string>();
  page.on('request', (r) => (r.url().startsWith('data:') ? undefined : origins.add(new URL(r.url()).origin)));
  await page.goto(`${h.baseUrl}/docs`, { waitUntil: 'load' });
  const doc = (await h.request('GET', '/openapi.json')).body as { paths: Record<string, Record<string, unknown>> };
  const operations = Object.values(doc.paths).reduce((n, methods) => n + Object.keys(methods).length, 0);
  await page.waitForFunction(`document.querySelectorAll('.opblock').length === ${operations}`, { timeout: 60_000 });
  expect(await page.$eval('.title', (t) => t.textContent)).toContain('Drin');
  expect(errors).toEqual([]);
  expect([...origins]).toEqual([h.baseUrl]);
}, 120_000);
