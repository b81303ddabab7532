// Reading and changing the store's settings. The contact phone is kept in E.164, read in the
// store's country (the one given in the same change, if any).
import { AppError, ErrorCode } from '../kernel/index.js';
import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js';
import type { SettingsRepo } from './settings.repo.js';
import type { TSettings, TSettingsPatch } from './settings.schemas.js';

export function createSettingsService(deps: { repo: SettingsRepo }) {
  const { repo } = deps;
  return {
    read(storeId: string): Promise<TSettings> {
      return repo.read(storeId);
    },

    async update(storeId: string, patch: TSettingsPatch): Promise<TSettings> {
      const { contactPhone, ...rest } = patch;
      let phone: string | null | undefined = contactPhone;
      if (contactPhone) {
        const country = (patch.defaultCountry ?? (await repo.read(storeId)).defaultCountry) as CountryCode;
        const parsed = parsePhoneNumberFromString(contactPhone, country);
        if (!parsed?.isValid()) {
          throw new AppError(ErrorCode.VALIDATION_FAILED, 'Invalid settings', [{ path: ['contactPhone'], message: 'is not a valid phone number' }]);
        }
        phone = parsed.number;
      }
      return repo.update(storeId, { ...rest, ...(phone !== undefined ? { contactPhone: phone } : {}) });
    },
  };
}

export type SettingsService = ReturnType<typeof createSettingsService>;
