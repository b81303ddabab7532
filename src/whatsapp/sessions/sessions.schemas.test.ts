import { describe, expect, it } from '@jest/globals';
import { z } from 'zod';
import { makeZSlotParams, ZPairingCodeBody } from './sessions.schemas.js';

const phoneOf = (phone: unknown) => ZPairingCodeBody.parse({ phone }).phone;

describe('ZPairingCodeBody', () => {
  it.each([
    ['+55 11 99999-0000', '5511999990000'],
    ['+55 (11) 99999-0000', '5511999990000'],
    ['+5511999990000', '5511999990000'],
    ['  +55 11 93333-0002  ', '5511933330002'],
    ['+55.11.99999.0000', '5511999990000'],
    ['+55 11 3333-4444', '551133334444'],
    ['+1 415 555 2671', '14155552671'],
    ['+44 20 7946 0958', '442079460958'],
  ])('reads %j as the E.164 digits %s', (input, digits) => {
    expect(phoneOf(input)).toBe(digits);
  });

  it.each([
    '+1------',
    '+',
    '',
    'call me',
    // No '+': the country code is not explicit, so it is not guessed.
    '5511999990000',
    '11 99999-0000',
    '0055 11 99999-0000',
    // The old 8-digit mobile form that São Paulo retired: no such number.
    '+55 11 9999-0000',
    '+55 11 99999-0000 ext. 12',
    '+55 11 99999-0000abc',
    'tel:+55-11-99999-0000',
    '+5511999990000\u0000',
  ])('refuses %j with a message naming the format', (input) => {
    const result = ZPairingCodeBody.safeParse({ phone: input });
    expect(result.success).toBe(false);
    const issue = result.error!.issues[0]!;
    expect(issue.path).toEqual(['phone']);
    expect(issue.message).toContain('+55 11 99999-0000');
  });

  it('refuses a 100 kB string', () => {
    expect(ZPairingCodeBody.safeParse({ phone: '+' + '1'.repeat(100_000) }).success).toBe(false);
  });

  it.each([5511999990000, null, ['+5511999990000'], { number: '+5511999990000' }])('refuses a phone of the wrong type (%j)', (input) => {
    expect(ZPairingCodeBody.safeParse({ phone: input }).success).toBe(false);
  });

  it('refuses unknown fields', () => {
    expect(ZPairingCodeBody.safeParse({ phone: '+5511999990000', slot: 2 }).success).toBe(false);
  });

  it('documents the input as a string in the OpenAPI document', () => {
    const schema = z.toJSONSchema(ZPairingCodeBody, { io: 'input', unrepresentable: 'any' }) as unknown as { properties: { phone: { type: string } } };
    expect(schema.properties.phone.type).toBe('string');
  });
});

describe('makeZSlotParams', () => {
  const ZSlotParams = makeZSlotParams(3);

  it.each(['1', '2', '3'])('takes slot %s as a number', (slot) => {
    expect(ZSlotParams.parse({ storeId: 'store_1', slot })).toEqual({ storeId: 'store_1', slot: Number(slot) });
  });

  it.each(['0', '-1', '4', '1.5', 'abc', '99999999999999999999', '0x1', '1e0', ' 1', '+1', '01', '', 'Infinity'])('refuses slot %j', (slot) => {
    expect(ZSlotParams.safeParse({ storeId: 'store_1', slot }).success).toBe(false);
  });
});
