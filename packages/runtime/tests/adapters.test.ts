import { EventEmitter } from 'node:events';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { DisconnectError, isDisconnectError, watchSocketIo, watchWebSocket } from '../src/index.js';
import type { WatchableSocketIo, WatchableWebSocket } from '../src/index.js';

/** Just enough of a `ws` socket to drive the watcher's state machine deterministically. */
class FakeWebSocket extends EventEmitter implements WatchableWebSocket {
  readyState = 1;
  pings = 0;
  terminations = 0;
  answersPings = true;
  pingError: Error | undefined;

  ping(): void {
    if (this.pingError) throw this.pingError;
    this.pings++;
    if (this.answersPings && this.readyState === 1) this.emit('pong', Buffer.alloc(0));
  }

  terminate(): void {
    this.terminations++;
    this.readyState = 3;
  }
}

class FakeSocketIo extends EventEmitter implements WatchableSocketIo {
  connected = true;
  active: boolean | undefined;
  readonly anyListeners = new Set<(...args: unknown[]) => void>();
  disconnects = 0;

  disconnect(): this {
    this.disconnects++;
    if (this.connected) {
      this.connected = false;
      this.emit('disconnect', 'server namespace disconnect');
    }
    return this;
  }

  onAny(listener: (...args: unknown[]) => void): this {
    this.anyListeners.add(listener);
    return this;
  }

  offAny(listener: (...args: unknown[]) => void): this {
    this.anyListeners.delete(listener);
    return this;
  }

  receive(): void {
    for (const listener of this.anyListeners) listener();
  }
}

const WATCHED_EVENTS = ['close', 'error', 'pong', 'message'] as const;

/**
 * A watchdog whose deadline passed gives its verdict from a setImmediate, after pending I/O was
 * read. Fake timers run an immediate queued during a tick 1 ms later, so verdicts land 1 ms late.
 */
const VERDICT_MS = 1;
const listenerTotal = (emitter: EventEmitter, events: readonly string[] = WATCHED_EVENTS): number =>
  events.reduce((sum, event) => sum + emitter.listenerCount(event), 0);

function reasonOf(signal: AbortSignal): DisconnectError {
  expect(signal.aborted).toBe(true);
  const reason: unknown = signal.reason;
  if (!isDisconnectError(reason)) throw new Error(`abort reason is not a DisconnectError: ${String(reason)}`);
  return reason;
}

beforeEach(() => {
  vi.useFakeTimers({
    toFake: ['setTimeout', 'clearTimeout', 'setImmediate', 'clearImmediate', 'setInterval', 'clearInterval', 'performance', 'Date'],
  });
});
afterEach(() => {
  vi.useRealTimers();
});

describe('watchWebSocket argument checks', () => {
  it.each([null, undefined, {}, { readyState: 1, on() {}, off() {}, ping() {} }, 'ws'])('rejects %j as ws with a TypeError', (bad) => {
    expect(() => watchWebSocket(bad as unknown as WatchableWebSocket)).toThrow(TypeError);
    expect(() => watchWebSocket(bad as unknown as WatchableWebSocket)).toThrow(/\bws\b/);
  });

  it.each(['heartbeatMs', 'receiveTimeoutMs'])('rejects NaN, negative and zero %s with a RangeError naming it', (name) => {
    for (const value of [NaN, -1, 0, -Infinity]) {
      const ws = new FakeWebSocket();
      expect(() => watchWebSocket(ws, { [name]: value })).toThrow(RangeError);
      expect(() => watchWebSocket(ws, { [name]: value })).toThrow(name);
      expect(listenerTotal(ws)).toBe(0);
    }
    expect(() => watchWebSocket(new FakeWebSocket(), { [name]: '100' })).toThrow(TypeError);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('rejects non-object options', () => {
    expect(() => watchWebSocket(new FakeWebSocket(), 5 as never)).toThrow(TypeError);
  });
});

describe('watchWebSocket heartbeat', () => {
  it('pings every heartbeatMs and stays open while pongs come back', () => {
    const ws = new FakeWebSocket();
    const watch = watchWebSocket(ws, { heartbeatMs: 100, receiveTimeoutMs: Infinity });
    vi.advanceTimersByTime(99);
    expect(ws.pings).toBe(0);
    vi.advanceTimersByTime(1);
    expect(ws.pings).toBe(1);
    vi.advanceTimersByTime(1000);
    expect(ws.pings).toBe(11);
    expect(watch.signal.aborted).toBe(false);
    expect(ws.terminations).toBe(0);
    watch.dispose();
  });

  it('aborts with heartbeat_timeout and terminates when a ping gets no pong within heartbeatMs', () => {
    const ws = new FakeWebSocket();
    const watch = watchWebSocket(ws, { heartbeatMs: 100, receiveTimeoutMs: Infinity });
    vi.advanceTimersByTime(250);
    ws.answersPings = false;
    vi.advanceTimersByTime(50); // ping #3 at 300 ms goes unanswered
    expect(watch.signal.aborted).toBe(false);
    vi.advanceTimersByTime(100);
    expect(watch.signal.aborted).toBe(false); // deadline passed; the verdict waits for pending I/O
    vi.advanceTimersByTime(VERDICT_MS);
    expect(reasonOf(watch.signal).code).toBe('heartbeat_timeout');
    expect(ws.terminations).toBe(1);
    expect(vi.getTimerCount()).toBe(0);
    watch.dispose();
  });

  it('does not blame the peer for event-loop lag: a pong read just after the deadline keeps the socket', () => {
    const ws = new FakeWebSocket();
    ws.answersPings = false;
    const watch = watchWebSocket(ws, { heartbeatMs: 100, receiveTimeoutMs: Infinity });
    vi.advanceTimersByTime(200); // ping at 100, deadline at 200: the verdict is pending
    ws.emit('pong', Buffer.alloc(0)); // read in the same loop turn, before the verdict
    vi.advanceTimersByTime(VERDICT_MS);
    expect(watch.signal.aborted).toBe(false);
    expect(ws.pings).toBe(2); // the heartbeat goes on at once
    vi.advanceTimersByTime(100 + VERDICT_MS);
    expect(reasonOf(watch.signal).code).toBe('heartbeat_timeout');
    watch.dispose();
  });

  it('terminates the socket before the signal listeners run', () => {
    const ws = new FakeWebSocket();
    ws.answersPings = false;
    const watch = watchWebSocket(ws, { heartbeatMs: 10, receiveTimeoutMs: Infinity });
    let terminationsSeenByListener = -1;
    watch.signal.addEventListener('abort', () => (terminationsSeenByListener = ws.terminations));
    vi.advanceTimersByTime(20 + VERDICT_MS);
    expect(terminationsSeenByListener).toBe(1);
    watch.dispose();
  });

  it('does not ping a CONNECTING socket, and starts once it is open', () => {
    const ws = new FakeWebSocket();
    ws.readyState = 0;
    const watch = watchWebSocket(ws, { heartbeatMs: 100, receiveTimeoutMs: Infinity });
    vi.advanceTimersByTime(500);
    expect(ws.pings).toBe(0);
    expect(watch.signal.aborted).toBe(false);
    ws.readyState = 1;
    vi.advanceTimersByTime(100);
    expect(ws.pings).toBe(1);
    watch.dispose();
  });

  it('cuts a close handshake short: a CLOSING socket gets no pong and is terminated after heartbeatMs', () => {
    const ws = new FakeWebSocket();
    const watch = watchWebSocket(ws, { heartbeatMs: 100, receiveTimeoutMs: Infinity });
    ws.readyState = 2; // close() was called, the peer never answers the close frame
    vi.advanceTimersByTime(200 + VERDICT_MS);
    expect(reasonOf(watch.signal).code).toBe('heartbeat_timeout');
    expect(ws.terminations).toBe(1);
    watch.dispose();
  });

  it('reports a throwing ping() as an error', () => {
    const ws = new FakeWebSocket();
    const failure = new Error('socket gone');
    ws.pingError = failure;
    const watch = watchWebSocket(ws, { heartbeatMs: 100, receiveTimeoutMs: Infinity });
    vi.advanceTimersByTime(100);
    const reason = reasonOf(watch.signal);
    expect(reason.code).toBe('error');
    expect(reason.cause).toBe(failure);
    watch.dispose();
  });

  it('arms a heartbeat beyond 2^31-1 ms correctly instead of firing after 1 ms', () => {
    const ws = new FakeWebSocket();
    const heartbeatMs = 2 ** 31 + 10_000;
    const watch = watchWebSocket(ws, { heartbeatMs, receiveTimeoutMs: Infinity });
    vi.advanceTimersByTime(1000);
    expect(ws.pings).toBe(0);
    vi.advanceTimersByTime(heartbeatMs - 1001);
    expect(ws.pings).toBe(0);
    vi.advanceTimersByTime(1);
    expect(ws.pings).toBe(1);
    watch.dispose();
  });
});

describe('watchWebSocket receive timeout', () => {
  it('aborts with receive_timeout once no message arrived for receiveTimeoutMs, counted from the last one', () => {
    const ws = new FakeWebSocket();
    const watch = watchWebSocket(ws, { heartbeatMs: Infinity, receiveTimeoutMs: 1000 });
    for (let i = 0; i < 10; i++) {
      vi.advanceTimersByTime(900);
      ws.emit('message', Buffer.from('hi'), false);
    }
    expect(watch.signal.aborted).toBe(false);
    vi.advanceTimersByTime(1000);
    expect(watch.signal.aborted).toBe(false);
    vi.advanceTimersByTime(VERDICT_MS);
    const reason = reasonOf(watch.signal);
    expect(reason.code).toBe('receive_timeout');
    expect(reason).toBeInstanceOf(Error);
    expect(ws.terminations).toBe(1);
    watch.dispose();
  });

  it('does not blame the peer for event-loop lag: a message read just after the deadline keeps the socket', () => {
    const ws = new FakeWebSocket();
    const watch = watchWebSocket(ws, { heartbeatMs: Infinity, receiveTimeoutMs: 1000 });
    vi.advanceTimersByTime(1000);
    ws.emit('message', Buffer.from('late'), false);
    vi.advanceTimersByTime(VERDICT_MS);
    expect(watch.signal.aborted).toBe(false);
    vi.advanceTimersByTime(999);
    expect(watch.signal.aborted).toBe(false);
    vi.advanceTimersByTime(1 + VERDICT_MS);
    expect(reasonOf(watch.signal).code).toBe('receive_timeout');
    watch.dispose();
  });

  it('does not count pongs as messages', () => {
    const ws = new FakeWebSocket();
    const watch = watchWebSocket(ws, { heartbeatMs: 100, receiveTimeoutMs: 1000 });
    vi.advanceTimersByTime(1000 + VERDICT_MS);
    expect(ws.pings).toBeGreaterThanOrEqual(9); // every one answered, yet no message came
    expect(reasonOf(watch.signal).code).toBe('receive_timeout');
    watch.dispose();
  });

  it('uses the defaults of 30 s heartbeat and 300 s receive timeout', () => {
    const ws = new FakeWebSocket();
    const watch = watchWebSocket(ws);
    vi.advanceTimersByTime(29_999);
    expect(ws.pings).toBe(0);
    vi.advanceTimersByTime(1);
    expect(ws.pings).toBe(1);
    vi.advanceTimersByTime(300_000 - 30_000 - 1);
    expect(watch.signal.aborted).toBe(false);
    vi.advanceTimersByTime(1 + VERDICT_MS);
    expect(reasonOf(watch.signal).code).toBe('receive_timeout');
    watch.dispose();
  });

  it('arms no timer at all when both checks are Infinity', () => {
    const ws = new FakeWebSocket();
    const watch = watchWebSocket(ws, { heartbeatMs: Infinity, receiveTimeoutMs: Infinity });
    expect(vi.getTimerCount()).toBe(0);
    ws.emit('close', 1000, Buffer.from('bye'));
    expect(reasonOf(watch.signal).code).toBe('close');
    watch.dispose();
  });
});

describe('watchWebSocket close and error', () => {
  it('aborts on close with the close code and reason as cause, and stops its timers at once', () => {
    const ws = new FakeWebSocket();
    const watch = watchWebSocket(ws, { heartbeatMs: 100, receiveTimeoutMs: 1000 });
    expect(vi.getTimerCount()).toBe(2);
    ws.emit('close', 4001, Buffer.from('going away'));
    const reason = reasonOf(watch.signal);
    expect(reason.code).toBe('close');
    expect(reason.cause).toEqual({ code: 4001, reason: 'going away' });
    expect(ws.terminations).toBe(1);
    expect(vi.getTimerCount()).toBe(0);
    watch.dispose();
  });

  it('aborts on error with the error as cause; the close that follows changes nothing', () => {
    const ws = new FakeWebSocket();
    const watch = watchWebSocket(ws, { heartbeatMs: 100 });
    const failure = new Error('Invalid WebSocket frame');
    ws.emit('error', failure);
    ws.emit('close', 1002, Buffer.alloc(0));
    ws.emit('error', new Error('late error after terminate'));
    const reason = reasonOf(watch.signal);
    expect(reason.code).toBe('error');
    expect(reason.cause).toBe(failure);
    expect(reason.message).toContain('Invalid WebSocket frame');
    expect(ws.terminations).toBe(1);
    watch.dispose();
  });

  it.each([2, 3])('aborts before returning when the socket is already in readyState %i', (readyState) => {
    const ws = new FakeWebSocket();
    ws.readyState = readyState;
    const watch = watchWebSocket(ws, { heartbeatMs: 100 });
    expect(reasonOf(watch.signal).code).toBe('close');
    expect(ws.terminations).toBe(1);
    expect(listenerTotal(ws)).toBe(0);
    expect(vi.getTimerCount()).toBe(0);
    watch.dispose();
  });
});

describe('watchWebSocket dispose', () => {
  it('removes every listener and timer, is idempotent and leaves the signal alone', () => {
    const ws = new FakeWebSocket();
    const ownListener = (): void => undefined;
    ws.on('close', ownListener);
    const watch = watchWebSocket(ws, { heartbeatMs: 100, receiveTimeoutMs: 1000 });
    expect(listenerTotal(ws)).toBe(5);
    watch.dispose();
    watch.dispose();
    expect(listenerTotal(ws)).toBe(1);
    expect(ws.listeners('close')).toEqual([ownListener]);
    expect(vi.getTimerCount()).toBe(0);
    vi.advanceTimersByTime(10_000);
    ws.emit('close', 1000, Buffer.alloc(0));
    expect(watch.signal.aborted).toBe(false);
    expect(ws.pings).toBe(0);
  });

  it('works destructured: const { signal, dispose } = watchWebSocket(ws)', () => {
    const ws = new FakeWebSocket();
    const { signal, dispose } = watchWebSocket(ws, { heartbeatMs: 100 });
    dispose();
    expect(listenerTotal(ws)).toBe(0);
    expect(vi.getTimerCount()).toBe(0);
    expect(signal.aborted).toBe(false);
  });

  it('after an abort, dispose still removes the listeners', () => {
    const ws = new FakeWebSocket();
    ws.answersPings = false;
    const watch = watchWebSocket(ws, { heartbeatMs: 100 });
    vi.advanceTimersByTime(200 + VERDICT_MS);
    expect(watch.signal.aborted).toBe(true);
    expect(vi.getTimerCount()).toBe(0);
    watch.dispose();
    expect(listenerTotal(ws)).toBe(0);
  });

  it('never holds the process open: its timers are unref()ed', () => {
    vi.useRealTimers();
    const timeouts = (): number => process.getActiveResourcesInfo().filter((kind) => kind === 'Timeout').length;
    const before = timeouts();
    const ws = new FakeWebSocket();
    const watch = watchWebSocket(ws, { heartbeatMs: 1000, receiveTimeoutMs: 5000 });
    expect(timeouts()).toBe(before);
    watch.dispose();
  });

  it('leaves nothing behind after 10 000 watches on one socket', () => {
    const ws = new FakeWebSocket();
    for (let i = 0; i < 10_000; i++) watchWebSocket(ws, { heartbeatMs: 100, receiveTimeoutMs: 1000 }).dispose();
    expect(listenerTotal(ws)).toBe(0);
    expect(vi.getTimerCount()).toBe(0);
  });
});

describe('watchSocketIo', () => {
  it('aborts on disconnect with the socket.io reason as cause, and dispose removes the listener', () => {
    const socket = new FakeSocketIo();
    const watch = watchSocketIo(socket);
    expect(socket.listenerCount('disconnect')).toBe(1);
    expect(vi.getTimerCount()).toBe(0);
    socket.emit('disconnect', 'transport close');
    const reason = reasonOf(watch.signal);
    expect(reason.code).toBe('disconnect');
    expect(reason.cause).toBe('transport close');
    watch.dispose();
    watch.dispose();
    expect(socket.listenerCount('disconnect')).toBe(0);
  });

  it('aborts before returning for an already disconnected server socket', () => {
    const socket = new FakeSocketIo();
    socket.connected = false;
    const watch = watchSocketIo(socket);
    expect(reasonOf(watch.signal).code).toBe('disconnect');
    expect(socket.listenerCount('disconnect')).toBe(0);
  });

  it('waits for a client socket that is still connecting (active)', () => {
    const socket = new FakeSocketIo();
    socket.connected = false;
    socket.active = true;
    const watch = watchSocketIo(socket);
    expect(watch.signal.aborted).toBe(false);
    socket.emit('disconnect', 'io client disconnect');
    expect(reasonOf(watch.signal).code).toBe('disconnect');
    watch.dispose();
  });

  it('with receiveTimeoutMs, disconnects an idle socket before aborting, and events keep it alive', () => {
    const socket = new FakeSocketIo();
    const watch = watchSocketIo(socket, { receiveTimeoutMs: 1000 });
    let connectedSeenByListener: boolean | undefined;
    watch.signal.addEventListener('abort', () => (connectedSeenByListener = socket.connected));
    for (let i = 0; i < 5; i++) {
      vi.advanceTimersByTime(999);
      socket.receive();
    }
    expect(watch.signal.aborted).toBe(false);
    vi.advanceTimersByTime(1000 + VERDICT_MS);
    expect(reasonOf(watch.signal).code).toBe('receive_timeout');
    expect(socket.disconnects).toBe(1);
    expect(connectedSeenByListener).toBe(false);
    watch.dispose();
    expect(socket.anyListeners.size).toBe(0);
    expect(socket.listenerCount('disconnect')).toBe(0);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('validates its arguments', () => {
    expect(() => watchSocketIo({} as WatchableSocketIo)).toThrow(TypeError);
    expect(() => watchSocketIo(new FakeSocketIo(), { receiveTimeoutMs: NaN })).toThrow(/receiveTimeoutMs/);
    expect(() => watchSocketIo(new FakeSocketIo(), { receiveTimeoutMs: -5 })).toThrow(RangeError);
    const withoutOnAny = { connected: true, on: () => undefined, off: () => undefined, disconnect: () => undefined };
    expect(() => watchSocketIo(withoutOnAny, { receiveTimeoutMs: 100 })).toThrow(/onAny/);
    expect(watchSocketIo(withoutOnAny).signal.aborted).toBe(false);
  });
});
