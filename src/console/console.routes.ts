// GET /console: the operator console — one page, its script and its style, served from
// src/console/assets (read at boot; from dist/ too, which sits at the same depth). No CDN and no
// build step: the page uses the store's own API with the key pasted into it.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Router } from 'express';

const ASSETS = path.resolve(import.meta.dirname, '../../src/console/assets');

export function consoleRouter(): Router {
  const read = (file: string) => readFileSync(path.join(ASSETS, file), 'utf8');
  const page = read('console.html');
  const script = read('console.js');
  const style = read('console.css');
  const router = Router();
  router.get('/console', (_req, res) => {
    res.type('html').set('Cache-Control', 'no-cache').send(page);
  });
  router.get('/console/console.js', (_req, res) => {
    res.type('application/javascript').set('Cache-Control', 'no-cache').send(script);
  });
  router.get('/console/console.css', (_req, res) => {
    res.type('text/css').set('Cache-Control', 'no-cache').send(style);
  });
  return router;
}
