// The contacts search: what the typed words become in SQL. Text is matched against the generated
// column contacts.search_text through the very expression that computes it (migration
// 20261202042846_crm_and_channels), so "joao", "JOAO" and "joão" all find "João da Silva"; a
// number in any format is matched on contacts.phone_digits by its digits and by the national
// number libphonenumber-js reads from it in the store's country ("011 98888-7777" →
// 11988887777), so it is found however it was typed.
import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js/max';

/** translate()'s two alphabets, exactly as the migration's generated column has them. */
export const ACCENTED = 'áàâãäåéèêëíìîïóòôõöúùûüçñÁÀÂÃÄÅÉÈÊËÍÌÎÏÓÒÔÕÖÚÙÛÜÇÑ';
export const UNACCENTED = 'aaaaaaeeeeiiiiooooouuuucnaaaaaaeeeeiiiiooooouuuucn';

/** Digits, spaces and + - ( ) . only: how people write phone numbers. */
const PHONE_LIKE = /^[\d\s+\-().]+$/;
const MIN_PHONE_DIGITS = 4;

export interface SearchTerms {
  /** The words, LIKE-escaped (before lower/translate, which leave \ % _ alone). */
  text: string;
  /** Digit strings a matching phone contains; empty when the query is not a number. */
  digits: string[];
}

export function searchTerms(query: string, defaultCountry: string): SearchTerms {
  const text = query.replace(/[\\%_]/g, (c) => `\\${c}`);
  if (!PHONE_LIKE.test(query)) return { text, digits: [] };
  const typed = query.replace(/\D/g, '');
  if (typed.length < MIN_PHONE_DIGITS) return { text, digits: [] };
  const national = parsePhoneNumberFromString(query, { defaultCountry: defaultCountry as CountryCode, extract: false })?.nationalNumber;
  return { text, digits: [...new Set([typed, ...(national ? [national] : [])])] };
}

/**
 * The WHERE condition for contacts aliased `c`; `param` adds a bind value and returns its
 * placeholder. The alphabets are constants of this file, inlined as literals like the column's.
 */
export function searchCondition(terms: SearchTerms, param: (value: unknown) => string): string {
  const text = `c.search_text LIKE '%' || translate(lower(${param(terms.text)}), '${ACCENTED}', '${UNACCENTED}') || '%' ESCAPE '\\'`;
  const phones = terms.digits.map((d) => `c.phone_digits LIKE '%' || ${param(d)} || '%'`);
  return `(${[text, ...phones].join(' OR ')})`;
}
