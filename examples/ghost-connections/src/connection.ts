import type { RawData } from 'ws';

/** One transcript segment as the client streams it (a speech-to-text result). */
export interface TranscriptSegment {
  text: string;
  startMs: number;
  endMs: number;
}

/** What a client sends in a text frame; binary frames are raw audio. */
export interface TranscriptMessage {
  type: 'transcript';
  segments: TranscriptSegment[];
}

/**
 * Everything one connection holds while it streams: the two queues the pollers flush and the
 * conversation so far (the pusher keeps it to build the conversation when the session ends).
 * A ghost connection keeps all of it reachable.
 */
export class ConnectionState {
  readonly userId: string;
  transcripts: TranscriptSegment[] = [];
  audio: Buffer[] = [];
  readonly conversation: TranscriptSegment[] = [];
  /** `performance.now()` when the server saw the disconnect; pollers measure their wake-up against it. */
  disconnectedAt: number | undefined;

  constructor(userId: string) {
    this.userId = userId;
  }

  get connected(): boolean {
    return this.disconnectedAt === undefined;
  }

  markDisconnected(): void {
    this.disconnectedAt ??= performance.now();
  }

  enqueue(data: RawData, isBinary: boolean): 'audio' | 'transcript' | 'invalid' {
    if (isBinary) {
      this.audio.push(toBuffer(data));
      return 'audio';
    }
    const message = parseTranscriptMessage(toBuffer(data).toString('utf8'));
    if (message === undefined) return 'invalid';
    this.transcripts.push(...message.segments);
    this.conversation.push(...message.segments);
    return 'transcript';
  }

  takeTranscripts(): TranscriptSegment[] {
    const batch = this.transcripts;
    this.transcripts = [];
    return batch;
  }

  takeAudio(): Buffer | undefined {
    if (this.audio.length === 0) return undefined;
    const batch = Buffer.concat(this.audio);
    this.audio = [];
    return batch;
  }
}

/** The `uid` query parameter of the upgrade request: who is streaming. */
export function readUserId(requestUrl: string | undefined): string | undefined {
  const uid = new URL(requestUrl ?? '/', 'http://localhost').searchParams.get('uid');
  return uid !== null && uid.length > 0 ? uid : undefined;
}

function toBuffer(data: RawData): Buffer {
  if (Buffer.isBuffer(data)) return data;
  if (Array.isArray(data)) return Buffer.concat(data);
  return Buffer.from(data);
}

function parseTranscriptMessage(text: string): TranscriptMessage | undefined {
  try {
    const value = JSON.parse(text) as Partial<TranscriptMessage>;
    return value.type === 'transcript' && Array.isArray(value.segments) ? (value as TranscriptMessage) : undefined;
  } catch {
    return undefined;
  }
}
