// A phone number typed by a person, as the contact keeps it: E.164, and the WhatsApp address of
// that number, so a later message from it reaches this same contact (inbound finds contacts by
// jid_pn). Read in the store's default country when it has no +country code.
import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js/max';
import { AppError, ErrorCode } from '../kernel/index.js';

export interface NormalizedPhone {
  e164: string;
  jidPn: string;
}

export function normalizePhone(input: string, defaultCountry: string): NormalizedPhone {
  const parsed = parsePhoneNumberFromString(input, { defaultCountry: defaultCountry as CountryCode, extract: false });
  if (!parsed || !parsed.isValid() || parsed.ext) {
    const message = `is not a valid phone number (read in ${defaultCountry} when it has no +country code)`;
    throw new AppError(ErrorCode.VALIDATION_FAILED, `phone ${message}`, [{ path: 'phone', code: 'invalid_phone', message }]);
  }
  return { e164: parsed.number, jidPn: `${parsed.number.slice(1)}@s.whatsapp.net` };
}
