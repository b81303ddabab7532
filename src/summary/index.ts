export { createSummaryRepo } from './summary.repo.js';
export { summaryRouter } from './summary.routes.js';
export { createSummaryService, type SummaryService } from './summary.service.js';
