import { isChosen } from './selection.js';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';

/**
 * Stands in for object storage and the users' webhook endpoints. Healthy, it answers 204.
 * During an outage it stops answering the calls of a chosen share of users: the request is read
 * and then left open forever, like a storage backend that accepted the connection and went
 * silent. Which users are hit is deterministic (spread evenly over the user indexes). When the
 * outage ends, the held calls are answered.
 */
export class FakeUpstream {
  readonly url: string;
  /** Users with at least one upload left hanging. */
  readonly hungUploadUsers = new Set<string>();
  hungWebhooks = 0;
  answered = 0;
  readonly #server: Server;
  readonly #held = new Set<ServerResponse>();
  readonly #hangFraction: number;
  #outage = false;

  private constructor(server: Server, url: string, hangFraction: number) {
    this.#server = server;
    this.url = url;
    this.#hangFraction = hangFraction;
  }

  static async start(hangFraction: number): Promise<FakeUpstream> {
    const server = createServer();
    // A hung call must stay hung for the whole run: no server-side request timeout.
    server.requestTimeout = 0;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    const address = server.address();
    if (address === null || typeof address === 'string') throw new Error('expected a TCP address');
    const upstream = new FakeUpstream(server, `http://127.0.0.1:${address.port}`, hangFraction);
    server.on('request', (req: IncomingMessage, res: ServerResponse) => upstream.#handle(req, res));
    return upstream;
  }

  /** From now on, calls from the chosen users are left hanging. */
  startOutage(): void {
    this.#outage = true;
  }

  /** The upstream recovers: every held call is finally answered, new calls are answered at once. */
  endOutage(): void {
    this.#outage = false;
    for (const res of this.#held) res.writeHead(204).end();
    this.#held.clear();
  }

  /** Forgets which calls hung so far (the warm-up round's), so the counts cover one round. */
  resetCounts(): void {
    this.hungUploadUsers.clear();
    this.hungWebhooks = 0;
    this.answered = 0;
  }

  /** Calls currently held open. */
  get hanging(): number {
    return this.#held.size;
  }

  /** Whether `userId` (`<prefix>-<index>`) is among the users an outage hits. */
  hits(userId: string): boolean {
    const index = Number(/(\d+)$/.exec(userId)?.[1] ?? Number.NaN);
    if (!Number.isInteger(index)) return false;
    return isChosen(index, this.#hangFraction);
  }

  async close(): Promise<void> {
    for (const res of this.#held) res.destroy();
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  #handle(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? '/', this.url);
    const userId = url.searchParams.get('uid') ?? '';
    req.resume();
    req.once('end', () => {
      if (!this.#outage || !this.hits(userId)) {
        this.answered++;
        res.writeHead(204).end();
        return;
      }
      if (url.pathname === '/upload') this.hungUploadUsers.add(userId);
      else this.hungWebhooks++;
      this.#held.add(res);
      res.once('close', () => this.#held.delete(res));
    });
  }
}
