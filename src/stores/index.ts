export { createStoresRepo, type StoresRepo } from './stores.repo.js';
export { createStoresService, type StoresService } from './stores.service.js';
export { storesRouter } from './stores.routes.js';
export * from './stores.schemas.js';
