import { fork, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import type { HostReply, HostRequest, HostStats, ServerKind } from './server-host.js';

const REQUEST_TIMEOUT_MS = 15_000;

type Pending = { resolve: (reply: HostReply) => void; reject: (error: Error) => void; timer: NodeJS.Timeout };

/** The driver's handle on a server running alone in a child process (see server-host.ts). */
export class HostProcess {
  readonly kind: ServerKind;
  readonly port: number;
  readonly #child: ChildProcess;
  readonly #pending = new Map<number, Pending>();
  #nextId = 1;

  private constructor(kind: ServerKind, child: ChildProcess, port: number) {
    this.kind = kind;
    this.#child = child;
    this.port = port;
    child.on('message', (reply: HostReply) => {
      if (!('id' in reply)) return;
      const pending = this.#pending.get(reply.id);
      if (pending === undefined) return;
      this.#pending.delete(reply.id);
      clearTimeout(pending.timer);
      pending.resolve(reply);
    });
    child.once('exit', (code, signal) => {
      for (const pending of this.#pending.values()) {
        clearTimeout(pending.timer);
        pending.reject(new Error(`${kind} server exited (code ${code}, signal ${signal})`));
      }
      this.#pending.clear();
    });
  }

  static async spawn(kind: ServerKind, options: object): Promise<HostProcess> {
    const child = fork(new URL('./server-host.js', import.meta.url), [kind, JSON.stringify(options)], {
      execArgv: ['--expose-gc'],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    const ready = new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${kind} server did not start within ${REQUEST_TIMEOUT_MS} ms`)), REQUEST_TIMEOUT_MS);
      child.once('exit', (code) => reject(new Error(`${kind} server exited during startup (code ${code})`)));
      child.on('message', (reply: HostReply) => {
        if (!('type' in reply)) return;
        clearTimeout(timer);
        resolve(reply.port);
      });
    });
    try {
      return new HostProcess(kind, child, await ready);
    } catch (error) {
      child.kill('SIGKILL');
      throw error;
    }
  }

  /**
   * The server's figures plus its process's heap and handles; `gc` runs full collections first,
   * `reset` starts a new measurement round once they are read.
   */
  async stats(gc: boolean, reset = false): Promise<HostStats> {
    const reply = await this.#request({ type: 'stats', gc, reset });
    if (!('stats' in reply) || reply.stats === undefined) throw new Error(`stats failed: ${'error' in reply ? reply.error : 'no reply'}`);
    return reply.stats;
  }

  /** Asks the server to close (bounded), then ends the process either way. */
  async close(): Promise<void> {
    try {
      await this.#request({ type: 'close' });
    } catch {
      // Closing is best effort: the process is killed below regardless.
    }
    if (this.#child.exitCode === null && this.#child.signalCode === null) {
      const exited = once(this.#child, 'exit');
      this.#child.kill('SIGKILL');
      await exited;
    }
  }

  #request(body: { type: 'stats'; gc: boolean; reset: boolean } | { type: 'close' }): Promise<HostReply> {
    const id = this.#nextId++;
    const request = { ...body, id } as HostRequest;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#pending.delete(id);
        reject(new Error(`${this.kind} server did not answer ${body.type} within ${REQUEST_TIMEOUT_MS} ms`));
      }, REQUEST_TIMEOUT_MS);
      this.#pending.set(id, { resolve, reject, timer });
      this.#child.send(request);
    });
  }
}
