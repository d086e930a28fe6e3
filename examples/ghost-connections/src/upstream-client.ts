import { request } from 'node:http';
import type { TranscriptSegment } from './connection.js';

/**
 * The integrations every demo user has enabled. Each transcript batch is posted to each of them
 * (the original pusher's realtime-integrations fan-out).
 */
export const USER_INTEGRATIONS = ['notes', 'crm'] as const;
export type Integration = (typeof USER_INTEGRATIONS)[number];

/**
 * The pusher's two outbound calls: the audio upload (to object storage) and the transcript
 * webhook (to one of the user's integrations). Plain `http.request` without a timeout, as so much
 * production code does: when the far end stops answering, the call waits forever unless a
 * `signal` aborts it, and while it waits its socket keeps everything the caller holds reachable.
 */
export class UpstreamClient {
  readonly #baseUrl: string;

  constructor(baseUrl: string) {
    this.#baseUrl = baseUrl;
  }

  uploadAudio(userId: string, audio: Buffer, signal?: AbortSignal): Promise<void> {
    return this.#post('/upload', userId, 'application/octet-stream', audio, signal);
  }

  postWebhook(userId: string, integration: Integration, segments: TranscriptSegment[], signal?: AbortSignal): Promise<void> {
    return this.#post(`/webhook/${integration}`, userId, 'application/json', JSON.stringify({ userId, segments }), signal);
  }

  #post(path: string, userId: string, contentType: string, body: Buffer | string, signal: AbortSignal | undefined): Promise<void> {
    const url = new URL(path, this.#baseUrl);
    url.searchParams.set('uid', userId);
    return new Promise<void>((resolve, reject) => {
      // `agent: false`: one socket per call, so a hung call is one visible handle and a finished
      // one leaves no keep-alive socket behind to blur the handle count.
      const req = request(url, { method: 'POST', agent: false, signal, headers: { 'content-type': contentType } }, (res) => {
        res.resume();
        res.once('error', reject);
        res.once('end', () => {
          const status = res.statusCode ?? 0;
          if (status >= 200 && status < 300) resolve();
          else reject(new Error(`upstream ${path} answered ${status}`));
        });
      });
      req.once('error', reject);
      req.end(body);
    });
  }
}
