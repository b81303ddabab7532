export { createSettingsRepo, type SettingsRepo } from './settings.repo.js';
export { settingsRouter } from './settings.routes.js';
export { createSettingsService, type SettingsService } from './settings.service.js';
export { WEEKDAYS, ZCountry, ZTimezone } from './settings.schemas.js';
export { isOpenAt, isWithinOpenings, openingsOn, type Opening, type TWorkingHours } from './working-hours.js';
