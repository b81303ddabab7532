import { NOISE_WA_HEADER } from '@whiskeysockets/baileys';

/**
 * WhatsApp's transport framing: the client first sends an intro (`WA 6 3`, optionally preceded by
 * `ED 0 1 <len:3> <routing info>`), then every frame in both directions is a 3-byte big-endian
 * length followed by the body.
 */
export class FrameReader {
  private buffered: Buffer = Buffer.alloc(0);
  private introSeen = false;

  /** Appends raw socket bytes; returns every complete frame body now available. */
  push(data: Buffer): Buffer[] {
    this.buffered = this.buffered.length ? Buffer.concat([this.buffered, data]) : data;
    if (!this.introSeen && !this.consumeIntro()) return [];
    const frames: Buffer[] = [];
    while (this.buffered.length >= 3) {
      const size = this.buffered.readUIntBE(0, 3);
      if (this.buffered.length < size + 3) break;
      frames.push(this.buffered.subarray(3, size + 3));
      this.buffered = this.buffered.subarray(size + 3);
    }
    return frames;
  }

  private consumeIntro(): boolean {
    let offset = 0;
    if (this.buffered[0] === 0x45 && this.buffered[1] === 0x44) {
      // 'ED' 0 1 <len:3> routingInfo — edge routing prefix sent when creds.routingInfo is set
      if (this.buffered.length < 7) return false;
      offset = 7 + this.buffered.readUIntBE(4, 3);
    }
    if (this.buffered.length < offset + NOISE_WA_HEADER.length) return false;
    const header = this.buffered.subarray(offset, offset + NOISE_WA_HEADER.length);
    if (!header.equals(NOISE_WA_HEADER)) {
      throw new Error(`unexpected intro header ${header.toString('hex')}`);
    }
    this.buffered = this.buffered.subarray(offset + NOISE_WA_HEADER.length);
    this.introSeen = true;
    return true;
  }
}

export function encodeFrame(body: Uint8Array): Buffer {
  const frame = Buffer.alloc(3 + body.byteLength);
  frame.writeUIntBE(body.byteLength, 0, 3);
  frame.set(body, 3);
  return frame;
}
