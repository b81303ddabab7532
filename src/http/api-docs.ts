// GET /docs: the API's reference, rendered from /openapi.json by Swagger UI served from its npm
// package (swagger-ui-dist) — nothing from a CDN, and no call out (the online validator is off).
// Relative URLs throughout, so the page works behind a path prefix too. The initializer is a file
// of ours, not an inline script: the default Content-Security-Policy (helmet) allows 'self' only.
import { createRequire } from 'node:module';
import path from 'node:path';
import express, { Router } from 'express';

const PAGE = `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8">
    <title>Drin API</title>
    <link rel="stylesheet" href="docs/swagger-ui.css">
    <link rel="icon" href="data:,">
  </head>
  <body>
    <div id="docs"></div>
    <script src="docs/swagger-ui-bundle.js"></script>
    <script src="docs/init.js"></script>
  </body>
</html>
`;

const INIT = `window.ui = SwaggerUIBundle({
  url: 'openapi.json',
  dom_id: '#docs',
  deepLinking: true,
  validatorUrl: null,
  presets: [SwaggerUIBundle.presets.apis],
  layout: 'BaseLayout',
});
`;

/** The two files of the package the page uses (its folder holds more: test pages, maps). */
const ASSETS = ['swagger-ui.css', 'swagger-ui-bundle.js'];

export function apiDocsRouter(): Router {
  const folder = path.dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));
  const router = Router();
  router.get('/docs', (_req, res) => {
    res.type('html').send(PAGE);
  });
  router.get('/docs/init.js', (_req, res) => {
    res.type('application/javascript').send(INIT);
  });
  const assets = express.static(folder, { index: false, fallthrough: true, maxAge: '1d' });
  router.use('/docs', (req, res, next) => (ASSETS.includes(req.path.slice(1)) ? assets(req, res, next) : next()));
  return router;
}
