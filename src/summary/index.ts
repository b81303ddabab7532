export { createSummaryRepo } from './summary.repo.js';
export { summaryRouter } from './summary.routes.js';
export { createSummaryService, type SummaryService } from './summary.service.js';
/** For other domains' contracts (the CRM's MCP tool) that answer what the summary route answers. */
export { ZSummary } from './summary.schemas.js';
