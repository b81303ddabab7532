export { createHealthRepo } from './health.repo.js';
export { healthRouter } from './health.routes.js';
