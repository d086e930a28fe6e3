import { describe, expect, it } from 'vitest';
import { createDisconnectSignals, DisconnectError, isDisconnectError } from '../src/index.js';
import { abortListenerCount, collectGarbage, nextTurn } from './runtime-support.js';
import { serverSessions, expectEndedCleanly } from './server-sessions.js';

function reasonOf(signal: AbortSignal | undefined): DisconnectError {
  expect(signal?.aborted).toBe(true);
  const reason: unknown = signal?.reason;
  if (!isDisconnectError(reason)) throw new Error(`abort reason is not a DisconnectError: ${String(reason)}`);
  return reason;
}

describe('createDisconnectSignals', () => {
  it('open creates one signal per key and returns the same one on later calls', () => {
    const signals = createDisconnectSignals();
    const a = {};
    const b = {};
    const signal = signals.open(a);
    expect(signal).toBeInstanceOf(AbortSignal);
    expect(signal.aborted).toBe(false);
    expect(signals.open(a)).toBe(signal);
    expect(signals.signal(a)).toBe(signal);
    expect(signals.open(b)).not.toBe(signal);
  });

  it('signal never creates one', () => {
    const signals = createDisconnectSignals();
    const key = {};
    expect(signals.signal(key)).toBeUndefined();
    expect(signals.signal(key)).toBeUndefined();
    expect(signals.open(key).aborted).toBe(false);
  });

  it('close aborts with a DisconnectError of code close carrying the cause, once', () => {
    const signals = createDisconnectSignals();
    const key = {};
    const signal = signals.open(key);
    const detail = { code: 1006, reason: '' };
    expect(signals.close(key, detail)).toBe(true);
    const reason = reasonOf(signal);
    expect(reason.code).toBe('close');
    expect(reason.cause).toBe(detail);
    expect(reason.message).toBe('connection closed (code 1006)');
    expect(signals.close(key, { code: 1000 })).toBe(false);
    expect(signal.reason).toBe(reason);
  });

  it('close without a cause has none; a DisconnectError cause is the reason itself', () => {
    const signals = createDisconnectSignals();
    const plain = {};
    const custom = {};
    const plainSignal = signals.open(plain);
    signals.close(plain);
    expect(reasonOf(plainSignal).message).toBe('connection closed');
    expect('cause' in reasonOf(plainSignal)).toBe(false);
    const customSignal = signals.open(custom);
    const error = new DisconnectError('error', 'socket error: boom');
    signals.close(custom, error);
    expect(customSignal.reason).toBe(error);
  });

  it('open after close returns the same, aborted signal', () => {
    const signals = createDisconnectSignals();
    const key = {};
    const signal = signals.open(key);
    signals.close(key);
    expect(signals.open(key)).toBe(signal);
    expect(signals.signal(key)).toBe(signal);
  });

  it('close before open creates no signal and returns false, but a late open gets an aborted signal', () => {
    const signals = createDisconnectSignals();
    const key = {};
    expect(signals.close(key, { code: 1001 })).toBe(false);
    expect(signals.signal(key)).toBeUndefined();
    expect(signals.close(key)).toBe(false);
    const late = signals.open(key);
    const reason = reasonOf(late);
    expect(reason.code).toBe('close');
    expect(reason.cause).toEqual({ code: 1001 }); // the first close's cause
    expect(signals.open(key)).toBe(late);
    expect(signals.close(key)).toBe(false);
  });

  it('keeps registries and keys apart', () => {
    const first = createDisconnectSignals();
    const second = createDisconnectSignals();
    const key = {};
    const a = first.open(key);
    const b = second.open(key);
    expect(a).not.toBe(b);
    first.close(key);
    expect(a.aborted).toBe(true);
    expect(b.aborted).toBe(false);
  });

  it('accepts functions as keys and refuses primitives with a TypeError naming the key', () => {
    const signals = createDisconnectSignals<object>();
    expect(signals.open(() => undefined).aborted).toBe(false);
    for (const bad of ['socket-1', 42, null, undefined, Symbol('ws')]) {
      expect(() => signals.open(bad as never)).toThrow(TypeError);
      expect(() => signals.close(bad as never)).toThrow(/`key` must be an object/);
      expect(() => signals.signal(bad as never)).toThrow(TypeError);
    }
  });

  it('holds its keys weakly: a connection whose close never came can still be collected', async () => {
    const signals = createDisconnectSignals();
    const refs = ((): WeakRef<object>[] => {
      const opened = {};
      const closedFirst = {};
      const closed = {};
      signals.open(opened);
      signals.close(closedFirst);
      signals.open(closed);
      signals.close(closed);
      return [new WeakRef(opened), new WeakRef(closedFirst), new WeakRef(closed)];
    })();
    await nextTurn();
    collectGarbage();
    collectGarbage();
    expect(refs.map((ref) => ref.deref())).toEqual([undefined, undefined, undefined]);
  });

  it('drives a session: gauge back to 0 and no listener left on the signal after close', async () => {
    const signals = createDisconnectSignals();
    const sessions = serverSessions('registry_test');
    const socket = {};
    const signal = signals.open(socket);
    const result = sessions.serve(signal);
    expect(await sessions.gaugeValue()).toBe(1);
    expect(abortListenerCount(signal)).toBe(1);
    signals.close(socket, { code: 1000, reason: 'bye' });
    await expectEndedCleanly(await result, sessions);
    expect(abortListenerCount(signal)).toBe(0);
  });
});
