// Voice notes as text, for a store that turned transcription on: the note's downloaded bytes go to
// an audio-capable model through OpenRouter (an `input_audio` part), and the transcript is kept
// on the message (metadata.transcript) so no later turn pays for it again. The prompt then reads
// "[voice note] <transcript>" as the customer's words — still a user message, never instructions.
import type { ChatCompletionMessageParam } from 'openai/resources/chat/completions';
import type { WindowMessage } from './bot-context.repo.js';
import type { LlmCallsRepo } from './llm-calls.repo.js';
import type { LlmClient } from './llm-client.js';

const TRANSCRIBE = 'Transcribe this WhatsApp voice note word for word, in its own language. Answer with the transcript only; if nothing is said, answer with an empty string.';

export interface VoiceMediaRepo {
  /** The note's bytes once downloaded; `pending` while the download is still to come. */
  audioOf(storeId: string, messageId: string): Promise<{ state: 'stored'; bytes: Buffer; mimetype: string | null } | { state: 'pending' } | { state: 'unavailable' }>;
  saveTranscript(storeId: string, messageId: string, transcript: string): Promise<void>;
}

/** The format name OpenRouter's input_audio wants, from the note's MIME type. */
function audioFormat(mimetype: string | null): string {
  const type = (mimetype ?? '').split(';')[0]!.trim().toLowerCase();
  return { 'audio/ogg': 'ogg', 'audio/mpeg': 'mp3', 'audio/mp4': 'm4a', 'audio/wav': 'wav', 'audio/x-wav': 'wav', 'audio/webm': 'webm', 'audio/aac': 'aac' }[type] ?? 'ogg';
}

export type TranscriptionOutcome = 'done' | 'waiting_for_media' | 'failed';

/**
 * Fills metadata.transcript of the burst's voice notes (in place, and on the rows). `waiting_for_media`:
 * a note is not downloaded yet (try the turn again shortly); `failed`: the model did not answer.
 */
export async function transcribeVoiceNotes(
  notes: WindowMessage[],
  ctx: { storeId: string; turnId: string; model: string; timeoutMs: number },
  deps: { llm: LlmClient; calls: LlmCallsRepo; media: VoiceMediaRepo },
): Promise<TranscriptionOutcome> {
  for (const note of notes) {
    const audio = await deps.media.audioOf(ctx.storeId, note.id);
    if (audio.state === 'pending') return 'waiting_for_media';
    if (audio.state === 'unavailable') continue;
    const messages = [
      { role: 'system', content: TRANSCRIBE },
      { role: 'user', content: [{ type: 'input_audio', input_audio: { data: audio.bytes.toString('base64'), format: audioFormat(audio.mimetype) } }] },
    ] as unknown as ChatCompletionMessageParam[];
    const outcome = await deps.llm.complete({ model: ctx.model, fallbackModels: [], messages, timeoutMs: ctx.timeoutMs, temperature: 0 });
    await deps.calls.record(ctx.storeId, 'transcription', outcome, ctx.turnId);
    if (!outcome.ok) return 'failed';
    const transcript = (outcome.content ?? '').trim().slice(0, 4000);
    note.metadata = { ...note.metadata, transcript };
    await deps.media.saveTranscript(ctx.storeId, note.id, transcript);
  }
  return 'done';
}
