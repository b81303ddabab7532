import { describe, expect, it } from '@jest/globals';
import { splitReply } from './reply-split.js';

describe('splitReply', () => {
  it('keeps a short reply whole, trimmed', () => {
    expect(splitReply('  Olá! Tudo bem?  ')).toEqual(['Olá! Tudo bem?']);
  });

  it('cuts between paragraphs first, and every part fits', () => {
    const a = 'a'.repeat(30);
    const b = 'b'.repeat(30);
    const parts = splitReply(`${a}\n\n${b}`, 40);
    expect(parts).toEqual([a, b]);
  });

  it('cuts after a sentence when there is no paragraph, never inside a word', () => {
    const text = 'Temos corte por R$ 50. Barba por R$ 30. Corte e barba por R$ 70, com hora marcada.';
    const parts = splitReply(text, 40);
    expect(parts.every((p) => p.length <= 40)).toBe(true);
    expect(parts.join(' ')).toBe(text);
    expect(parts[0]).toBe('Temos corte por R$ 50. Barba por R$ 30.');
  });

  it('cuts a word longer than a message inside it, as a last resort', () => {
    expect(splitReply('x'.repeat(25), 10)).toEqual(['x'.repeat(10), 'x'.repeat(10), 'x'.repeat(5)]);
  });

  it('stops at the part cap', () => {
    expect(splitReply('palavra '.repeat(200), 20, 3)).toHaveLength(3);
  });
});
