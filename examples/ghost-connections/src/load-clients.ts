import { setMaxListeners } from 'node:events';
import type { Duplex } from 'node:stream';
import { setTimeout as delay } from 'node:timers/promises';
import { WebSocket } from 'ws';
import { isChosen } from './selection.js';

interface Client {
  readonly userId: string;
  readonly ws: WebSocket;
  /** The TCP socket under the WebSocket, to drop the connection without a close frame. */
  readonly socket: Duplex;
  /** Gone without a trace: sends nothing, reads nothing (so answers no ping), socket left open. */
  vanished: boolean;
}

export interface Departures {
  clean: number;
  abrupt: number;
  /** User ids of the clients that vanished (half-open connections). */
  vanished: string[];
}

/** A realistic transcript frame: two speech-to-text segments, about a second of speech. */
function transcriptFrame(sequence: number): string {
  const text = 'so the plan for tomorrow is to ship the new pusher build and then watch the connection graphs closely';
  const startMs = sequence * 1000;
  return JSON.stringify({
    type: 'transcript',
    segments: [
      { text: `${text} (${sequence}a)`, startMs, endMs: startMs + 500 },
      { text: `${text} (${sequence}b)`, startMs: startMs + 500, endMs: startMs + 1000 },
    ],
  });
}

/**
 * N streaming clients in the driver's process: they connect, send audio frames (binary) and
 * transcript frames (text) on one shared timer, and leave cleanly (close frame), abruptly (TCP
 * destroyed, no close frame) or, optionally, vanish (the peer goes silent and its TCP connection
 * stays half-open, as when a phone loses coverage or a NAT drops its mapping).
 */
export class ClientFleet {
  readonly #clients: Client[];
  #timer: NodeJS.Timeout | undefined;
  errors = 0;

  private constructor(clients: Client[]) {
    this.#clients = clients;
    for (const { ws } of clients) ws.on('error', () => this.errors++);
  }

  get size(): number {
    return this.#clients.length;
  }

  /** Opens one client per user id, `concurrency` handshakes at a time; rejects after `timeoutMs`. */
  static async connect(url: string, userIds: readonly string[], options: { concurrency: number; timeoutMs: number }): Promise<ClientFleet> {
    const clients: Client[] = [];
    const deadline = AbortSignal.timeout(options.timeoutMs);
    // Every pending handshake of a batch listens on the one deadline.
    setMaxListeners(options.concurrency + 1, deadline);
    for (let start = 0; start < userIds.length; start += options.concurrency) {
      const batch = userIds.slice(start, start + options.concurrency);
      clients.push(...(await Promise.all(batch.map((userId) => openClient(url, userId, deadline)))));
    }
    return new ClientFleet(clients);
  }

  /** Every client sends `audioFrameBytes` of audio per tick and a transcript frame every `transcriptEvery` ticks. */
  startStreaming(frameIntervalMs: number, audioFrameBytes: number, transcriptEvery: number): void {
    const audio = Buffer.alloc(audioFrameBytes, 0x7f);
    let tick = 0;
    this.#timer = setInterval(() => {
      tick++;
      const transcript = tick % transcriptEvery === 0 ? transcriptFrame(tick / transcriptEvery) : undefined;
      for (const { ws, vanished } of this.#clients) {
        if (vanished || ws.readyState !== WebSocket.OPEN) continue;
        ws.send(audio, { binary: true });
        if (transcript !== undefined) ws.send(transcript);
      }
    }, frameIntervalMs);
  }

  stopStreaming(): void {
    clearInterval(this.#timer);
  }

  /**
   * Clients chosen by `vanishFraction` vanish; the others take turns closing cleanly (code 1000)
   * and dropping their TCP socket. Departures are spread evenly over
   * `spreadMs`, as real users leave at any point of a poll interval (all at once would line them
   * up with the pollers' phase).
   */
  async disconnect(spreadMs: number, vanishFraction = 0): Promise<Departures> {
    const startedAt = performance.now();
    const departures: Departures = { clean: 0, abrupt: 0, vanished: [] };
    for (const [index, client] of this.#clients.entries()) {
      const dueIn = startedAt + (index * spreadMs) / this.#clients.length - performance.now();
      if (dueIn >= 1) await delay(dueIn);
      if (isChosen(index, vanishFraction)) {
        client.vanished = true;
        client.socket.pause();
        departures.vanished.push(client.userId);
      } else if ((departures.clean + departures.abrupt) % 2 === 0) {
        client.ws.close(1000, 'bye');
        departures.clean++;
      } else {
        client.socket.destroy();
        departures.abrupt++;
      }
    }
    this.stopStreaming();
    return departures;
  }

  /** Drops whatever is still open (vanished clients, a clean close the server never answered). */
  destroy(): void {
    this.stopStreaming();
    for (const { ws } of this.#clients) ws.terminate();
  }
}

function openClient(baseUrl: string, userId: string, deadline: AbortSignal): Promise<Client> {
  const url = `${baseUrl}?uid=${encodeURIComponent(userId)}`;
  return new Promise((resolve, reject) => {
    if (deadline.aborted) {
      reject(new Error(`connecting ${url} timed out`));
      return;
    }
    const ws = new WebSocket(url, { perMessageDeflate: false });
    let socket: Duplex | undefined;
    const onTimeout = (): void => {
      ws.terminate();
      reject(new Error(`connecting ${url} timed out`));
    };
    deadline.addEventListener('abort', onTimeout, { once: true });
    ws.once('upgrade', (res) => (socket = res.socket));
    ws.once('open', () => {
      deadline.removeEventListener('abort', onTimeout);
      ws.off('error', reject);
      if (socket === undefined) reject(new Error('no socket after the upgrade'));
      else resolve({ userId, ws, socket, vanished: false });
    });
    ws.once('error', reject);
  });
}
