import { describe, expect, it } from '@jest/globals';
import { proto } from '@whiskeysockets/baileys';
import { historySyncFilter, qrLifetimeMs } from './socket-config.js';

describe('qrLifetimeMs', () => {
  it("follows Baileys' QR timer: qrTimeout for every QR when set, else 60 s then 20 s", () => {
    expect([0, 1, 5].map((i) => qrLifetimeMs(60_000, i))).toEqual([60_000, 60_000, 60_000]);
    expect([0, 1, 5].map((i) => qrLifetimeMs(3_000, i))).toEqual([3_000, 3_000, 3_000]);
    expect([0, 1, 5].map((i) => qrLifetimeMs(undefined, i))).toEqual([60_000, 20_000, 20_000]);
  });
});

describe('historySyncFilter', () => {
  const { INITIAL_BOOTSTRAP, PUSH_NAME, RECENT, FULL } = proto.HistorySync.HistorySyncType;
  const takes = (keeps: boolean) => [INITIAL_BOOTSTRAP, PUSH_NAME, RECENT, FULL].map((syncType) => historySyncFilter(keeps)({ syncType }));

  it('always takes the bootstrap and push names (LID mappings), RECENT only when the store keeps history, FULL never', () => {
    expect(takes(false)).toEqual([true, true, false, false]);
    expect(takes(true)).toEqual([true, true, true, false]);
  });
});
