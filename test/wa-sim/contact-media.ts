import {
  downloadMediaMessage,
  getContentType,
  normalizeMessageContent,
  prepareWAMessageMedia,
  type AnyMediaMessageContent,
  type proto,
} from '@whiskeysockets/baileys';
import type { Logger } from 'pino';
import type { MediaHost } from './media-host.js';

const UPLOAD_TIMEOUT_MS = 20_000;

/** What a contact's media message says besides its bytes. */
export interface MediaDetails {
  caption?: string;
  mimetype?: string;
}

/**
 * Encrypts and uploads media the way a WhatsApp client does, with Baileys' own
 * `prepareWAMessageMedia` (random media key, HKDF keys, AES-256-CBC + HMAC, upload to the media
 * host named by media_conn): the message carries url, directPath, mediaKey, fileSha256,
 * fileEncSha256 and fileLength. Thumbnails, durations and waveforms need optional packages that
 * are not installed; Baileys logs and skips them, as it does for any client without them.
 */
export function prepareContactMedia(content: AnyMediaMessageContent, media: MediaHost, log: Logger): Promise<proto.IMessage> {
  return prepareWAMessageMedia(content, {
    upload: media.uploader(log),
    logger: log,
    mediaUploadTimeoutMs: UPLOAD_TIMEOUT_MS,
  });
}

/** The `mediatype` WhatsApp puts on a media message's `<enc>`, undefined for anything else. */
export function encMediaType(message: proto.IMessage): string | undefined {
  const content = normalizeMessageContent(message);
  switch (getContentType(content)) {
    case 'imageMessage':
      return 'image';
    case 'videoMessage':
      return content?.videoMessage?.gifPlayback ? 'gif' : 'video';
    case 'audioMessage':
      return content?.audioMessage?.ptt ? 'ptt' : 'audio';
    case 'documentMessage':
      return 'document';
    case 'stickerMessage':
      return 'sticker';
    default:
      return undefined;
  }
}

/** Downloads and decrypts media the client sent, with Baileys' own downloader, from the media host. */
export function downloadContactMedia(id: string, message: proto.IMessage, media: MediaHost): Promise<Buffer> {
  return downloadMediaMessage({ key: { id }, message }, 'buffer', { options: media.fetchOptions });
}
