// The operator console: a page over the store's own API (src/console/assets).
export { consoleRouter } from './console.routes.js';
