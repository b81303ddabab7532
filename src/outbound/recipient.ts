// Who a send goes to: a JID as given, or a phone number in any common format normalized to E.164
// (libphonenumber-js with full metadata; a number without + is read in the store's country).
import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js/max';
import { AppError, ErrorCode } from '../kernel/index.js';

const JID = /^\d{5,20}@(s\.whatsapp\.net|lid)$/;

const invalid = (message: string) => new AppError(ErrorCode.VALIDATION_FAILED, message, [{ path: ['to'], message }]);

export function resolveRecipient(to: string, defaultCountry: string): string {
  if (to.includes('@')) {
    if (JID.test(to)) return to;
    throw invalid('must be a phone number or a contact JID (digits@s.whatsapp.net or digits@lid); groups are not sent to');
  }
  const parsed = parsePhoneNumberFromString(to, { defaultCountry: defaultCountry as CountryCode, extract: false });
  if (!parsed || !parsed.isValid() || parsed.ext) throw invalid(`is not a valid phone number (read in ${defaultCountry} when it has no +country code)`);
  return `${parsed.number.slice(1)}@s.whatsapp.net`;
}
