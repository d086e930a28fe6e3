import { safeLog, type Logger } from './logger.js';

/** Distinct static labels kept per metric; beyond this, values go to OVERFLOW_LABEL. */
export const MAX_LABELS_PER_METRIC = 100;
export const DYNAMIC_LABEL = '__dynamic__';
export const OVERFLOW_LABEL = '__overflow__';
const MAX_LABEL_LENGTH = 64;

const DYNAMIC_PATTERNS: readonly RegExp[] = [
  /\d{4,}/, // a run of 4+ digits: user ids, timestamps, ports
  /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i, // UUID
  /[0-9a-f]{12,}/i, // long hex id: object ids, hashes, trace ids
  /[:/]\d{2,}(?![A-Za-z])/, // `ws:42`, `/users/17` (a lone digit such as `http/2` is a version)
  /[:/](?=[\w-]*\d)[\w-]{4,}/, // `ws:user_42`, `/item/5f3a`: a separator then an id-like token with digits
];

/**
 * True when `label` looks like it was built from data rather than written in code: every such
 * value would be a new Prometheus series that is never evicted.
 */
export function isDynamicLabel(label: string): boolean {
  return label.length > MAX_LABEL_LENGTH || DYNAMIC_PATTERNS.some((pattern) => pattern.test(label));
}

/**
 * Bounds the `label` values of one metric: dynamic-looking values become `__dynamic__`, values
 * past the first 100 distinct ones become `__overflow__`, each case logged once. Never throws, so
 * a bad label costs a series, not a request.
 */
export class LabelGuard {
  readonly #metricName: string;
  readonly #seen = new Set<string>();
  #dynamicLogged = false;
  #overflowLogged = false;

  constructor(metricName: string) {
    this.#metricName = metricName;
  }

  resolve(label: unknown, logger: Logger | undefined): string {
    const value = typeof label === 'string' ? label : String(label);
    if (this.#seen.has(value)) return value;
    if (isDynamicLabel(value)) {
      if (!this.#dynamicLogged) {
        this.#dynamicLogged = true;
        safeLog(logger, 'warn', { metric: this.#metricName, label: value.slice(0, 200) },
          `dynamic-looking metric label recorded as "${DYNAMIC_LABEL}"; use a static label and put ids in logs`);
      }
      return DYNAMIC_LABEL;
    }
    if (this.#seen.size >= MAX_LABELS_PER_METRIC) {
      if (!this.#overflowLogged) {
        this.#overflowLogged = true;
        safeLog(logger, 'warn', { metric: this.#metricName, limit: MAX_LABELS_PER_METRIC, label: value },
          `more than ${MAX_LABELS_PER_METRIC} distinct metric labels; further ones recorded as "${OVERFLOW_LABEL}"`);
      }
      return OVERFLOW_LABEL;
    }
    this.#seen.add(value);
    return value;
  }
}
