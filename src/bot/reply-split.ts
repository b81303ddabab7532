// A reply longer than WhatsApp reads comfortably goes out as several messages, cut where a reader
// would pause: between paragraphs, else between lines, else after a sentence, else between words.
// Only a single word longer than a whole message is cut inside.

/** Well under WhatsApp's 65,536-character cap: phones fold long messages behind "read more". */
export const REPLY_PART_MAX = 1500;
/** A model that runs on past this many parts is cut off: nobody reads a wall of messages. */
export const REPLY_PARTS_MAX = 5;

const BREAKS = [/\n\s*\n/g, /\n/g, /(?<=[.!?…])\s+/g, /\s+/g];

function lastBreak(text: string, max: number): number {
  for (const pattern of BREAKS) {
    let cut = -1;
    for (const m of text.slice(0, max + 1).matchAll(pattern)) if (m.index > 0) cut = m.index;
    if (cut > max / 3) return cut;
  }
  return max;
}

export function splitReply(text: string, max = REPLY_PART_MAX, maxParts = REPLY_PARTS_MAX): string[] {
  const parts: string[] = [];
  let rest = text.trim();
  while (rest && parts.length < maxParts) {
    if (rest.length <= max) {
      parts.push(rest);
      break;
    }
    const cut = lastBreak(rest, max);
    parts.push(rest.slice(0, cut).trim());
    rest = rest.slice(cut).trim();
  }
  return parts.filter(Boolean);
}
