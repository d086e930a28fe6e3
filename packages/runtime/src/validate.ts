/**
 * Argument checks shared by every public function. Bad input is a programming error, so it is
 * refused synchronously at the call, before any task, timer or listener exists: the caller gets
 * a TypeError (wrong kind of value) or RangeError (right kind, unusable value) naming the argument.
 */
import type { Task } from './task.js';

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean') return String(value);
  return typeof value;
}

export function assertName(value: unknown, argument: string): asserts value is string {
  if (typeof value !== 'string') throw new TypeError(`\`${argument}\` must be a non-empty string, got ${describe(value)}`);
  if (value.trim() === '') throw new RangeError(`\`${argument}\` must be a non-empty string, got ${describe(value)}`);
}

export function assertFunction(value: unknown, argument: string): asserts value is (...args: never[]) => unknown {
  if (typeof value !== 'function') throw new TypeError(`\`${argument}\` must be a function, got ${describe(value)}`);
}

export function assertOptionalFunction(value: unknown, argument: string): void {
  if (value !== undefined) assertFunction(value, argument);
}

export function assertOptions(value: unknown, argument: string): asserts value is object | undefined {
  if (value !== undefined && (typeof value !== 'object' || value === null)) {
    throw new TypeError(`\`${argument}\` must be an object, got ${describe(value)}`);
  }
}

export function assertRequiredOptions(value: unknown, argument: string): asserts value is object {
  if (typeof value !== 'object' || value === null) throw new TypeError(`\`${argument}\` must be an object, got ${describe(value)}`);
}

/** A duration in ms: any number except NaN. Negative values and Infinity carry meaning at each call site. */
export function assertTime(value: unknown, argument: string): asserts value is number {
  if (typeof value !== 'number') throw new TypeError(`\`${argument}\` must be a number of milliseconds, got ${describe(value)}`);
  if (Number.isNaN(value)) throw new RangeError(`\`${argument}\` must be a number of milliseconds, got NaN`);
}

export function assertOptionalTime(value: unknown, argument: string): void {
  if (value !== undefined) assertTime(value, argument);
}

/** A per-item timeout: strictly positive; Infinity means no timeout. */
export function assertOptionalPositiveTime(value: unknown, argument: string): void {
  if (value === undefined) return;
  assertTime(value, argument);
  if (value <= 0) throw new RangeError(`\`${argument}\` must be greater than 0, got ${value}`);
}

export function assertPositiveInteger(value: unknown, argument: string, allowInfinity = false): asserts value is number {
  if (typeof value !== 'number') throw new TypeError(`\`${argument}\` must be a positive integer, got ${describe(value)}`);
  if (allowInfinity && value === Infinity) return;
  if (!Number.isInteger(value) || value < 1) throw new RangeError(`\`${argument}\` must be a positive integer, got ${value}`);
}

export function assertAbortSignal(value: unknown, argument: string): asserts value is AbortSignal {
  if (!(value instanceof AbortSignal)) throw new TypeError(`\`${argument}\` must be an AbortSignal, got ${describe(value)}`);
}

export function assertOptionalAbortSignal(value: unknown, argument: string): asserts value is AbortSignal | undefined {
  if (value !== undefined) assertAbortSignal(value, argument);
}

/** True for a non-null object whose listed members are all functions. */
export function hasMethods(value: unknown, names: readonly string[]): boolean {
  if (typeof value !== 'object' || value === null) return false;
  const record = value as Record<string, unknown>;
  for (const name of names) if (typeof record[name] !== 'function') return false;
  return true;
}

/** A rejected promise carrying exactly what user code threw, which need not be an Error. */
export function rejectWith<T>(reason: unknown): Promise<T> {
  // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- rethrows a user value unchanged
  return Promise.reject(reason);
}

export function isTask(value: unknown): value is Task {
  if (typeof value !== 'object' || value === null) return false;
  const task = value as Partial<Record<keyof Task, unknown>>;
  return (
    typeof task.name === 'string' &&
    typeof (task.promise as PromiseLike<unknown> | undefined)?.then === 'function' &&
    task.signal instanceof AbortSignal &&
    typeof task.abort === 'function'
  );
}

/** Reads an iterable once (callers may pass generators) and checks every element before anything starts. */
export function toArrayOf<T>(value: unknown, argument: string, check: (item: unknown) => item is T, expected: string): T[] {
  if (value === null || value === undefined || typeof (value as Iterable<unknown>)[Symbol.iterator] !== 'function') {
    throw new TypeError(`\`${argument}\` must be an iterable of ${expected}, got ${describe(value)}`);
  }
  const items = Array.from(value as Iterable<unknown>);
  items.forEach((item, index) => {
    if (!check(item)) throw new TypeError(`\`${argument}[${index}]\` must be ${expected}, got ${describe(item)}`);
  });
  return items as T[];
}

export function toTaskArray(value: unknown, argument: string): Task[] {
  return toArrayOf(value, argument, isTask, 'a Task (from createNamedTask)');
}

export function isFunction(value: unknown): value is (signal: AbortSignal) => unknown {
  return typeof value === 'function';
}
