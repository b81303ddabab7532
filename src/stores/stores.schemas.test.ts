import { describe, expect, it } from '@jest/globals';
import { ZCreateStoreBody } from './stores.schemas.js';

describe('ZCreateStoreBody', () => {
  it.each(['Loja da Ana', 'ストア', 'Café 💥', '  trimmed  '])('takes the name %j', (name) => {
    expect(ZCreateStoreBody.parse({ name }).name).toBe(name.trim());
  });

  // Postgres refuses NUL in text and jsonb refuses unpaired surrogates: a 500 before this check.
  it.each(['a\u0000b', 'bell\u0007', '\u001b[31mred', 'tab\there', 'new\nline', '\u0085', '\ud800', 'x\udc00y'])('refuses the name %j', (name) => {
    expect(ZCreateStoreBody.safeParse({ name }).success).toBe(false);
  });
});
