import { describe, expect, it } from 'vitest';
import type { ModuleReference } from '../../src/utils/module-bindings.js';
import { createPromClientTracker, type ImportedMetricResolver } from '../../src/utils/prom-client.js';
import { createStaticValueEvaluator } from '../../src/utils/static-value.js';
import { probe } from './probe.js';

interface ClassifyOptions {
  resolveImportedMetric?: ImportedMetricResolver;
  inferFromUsage?: boolean;
}

/** What the tracker says each `probe(x)` argument holds: `metric:Counter`, `metric`, `child`, `timerEnd` or `-`. */
function classify(code: string, options: ClassifyOptions = {}): string[] {
  return probe(code, (context, node) => {
    const evaluator = createStaticValueEvaluator(context);
    const tracker = createPromClientTracker(context, { resolveLiteral: (n) => evaluator.resolveLiteral(n), ...options });
    const value = tracker.classify(node);
    if (!value) return '-';
    return value.kind === 'timerEnd' || !value.metricClass ? value.kind : `${value.kind}:${value.metricClass}`;
  });
}

describe('createPromClientTracker: where metrics are held', () => {
  it('reads declared types: fields, parameters, local interfaces, aliases, containers', () => {
    expect(
      classify(`
        import * as prom from 'prom-client';
        import type { Gauge, Histogram } from 'prom-client';
        interface Board { seats: prom.Counter<'row'>; taken?: Gauge | undefined }
        type Timings = Record<string, Histogram<'step'>>;
        class Hall {
          declare board: Board;
          constructor(private readonly lamps: Map<string, prom.Gauge>) {}
          run(t: Timings, list: prom.Summary[], key: string) {
            probe(this.board.seats); probe(this.board.taken); probe(t[key]); probe(list[0]);
            probe(this.lamps.get(key)); probe(this.board);
          }
        }
      `),
    ).toEqual(['metric:Counter', 'metric:Gauge', 'metric:Histogram', 'metric:Summary', 'metric', '-']);
  });

  it('follows factories and accessors of the file, and collections of metrics', () => {
    expect(
      classify(`
        import { Counter, Gauge, register } from 'prom-client';
        const make = (suffix) => ({ sold: new Counter({ name: 'sold' + suffix, help: 'h' }) });
        function lamp() { return new Gauge({ name: 'lamp', help: 'h' }); }
        const shelf = make('_x');
        const byName = new Map();
        byName.set('a', lamp());
        const typed = new Map<string, Gauge>();
        const bag = { one: new Counter({ name: 'one', help: 'h' }) };
        class Store { stock() { return lamp(); } use() { probe(this.stock()); } }
        probe(shelf.sold); probe(lamp()); probe(byName.get('a')); probe(typed.get('b'));
        probe(bag[String(1)]); probe(register.getSingleMetric('x'));
      `),
    // In source order; `.get()` and `[…]` on a collection give a metric of unknown class.
    ).toEqual(['metric:Gauge', 'metric:Counter', 'metric:Gauge', 'metric', 'metric', 'metric', 'metric']);
  });

  it('knows prom-client reached through an injected client by its { name, help } config', () => {
    expect(
      classify(`
        import { Counter as Other } from 'other-metrics';
        class Meter { Counter = class {}; }
        function setup(deps, lib) {
          probe(new deps.client.Histogram({ name: 'h', help: 'x' }));
          probe(new lib.Counter({ name: 'c' }));
          probe(new Other({ name: 'o', help: 'x' }));
        }
      `),
    ).toEqual(['metric:Histogram', '-', '-']);
  });

  it('guesses from usage only when asked', () => {
    const code = `
      import { stats } from './stats';
      probe(stats.get('a')); probe(stats.get('b').labels('x'));
      function f(metrics, hits) { probe(metrics.get('c')); probe(hits.labels('y')); hits.labels('y').inc(); }
    `;
    expect(classify(code)).toEqual(['-', '-', '-', '-']);
    // `hits.labels('y')` is followed by `.inc()` only at another call; the probed one is not.
    expect(classify(code, { inferFromUsage: true })).toEqual(['-', '-', 'metric', '-']);
    expect(classify(`function f(hits) { probe(hits.labels('y').startTimer()); }`, { inferFromUsage: true })).toEqual(['timerEnd']);
  });
});

describe('createPromClientTracker: an injected resolver for imports', () => {
  const code = `
    import { requests, registry } from './metrics';
    import * as shared from '../shared/metrics.js';
    import { Counter } from 'prom-client';
    probe(requests); probe(registry.errors); probe(registry.get('x')); probe(registry[key]);
    probe(shared.open); probe(new Counter({ name: 'c', help: 'h' }));
  `;

  it('defaults to unknown for every import', () => {
    expect(classify(code)).toEqual(['-', '-', '-', '-', '-', 'metric:Counter']);
  });

  it('asks about imports of other modules, with the full path and then the holder', () => {
    const asked: ModuleReference[] = [];
    const resolver: ImportedMetricResolver = (reference) => {
      asked.push(reference);
      const key = `${reference.module}:${reference.path.join('.')}`;
      if (key === './metrics:requests') return 'Counter';
      if (key === './metrics:registry') return 'metrics';
      if (key === '../shared/metrics.js:open') return 'metric';
      return undefined;
    };
    expect(classify(code, { resolveImportedMetric: resolver })).toEqual([
      'metric:Counter',
      'metric',
      'metric',
      'metric',
      'metric',
      'metric:Counter',
    ]);
    expect(asked.some((r) => r.module === 'prom-client')).toBe(false);
    expect(asked).toContainEqual({ module: './metrics', path: ['registry', 'errors'], via: 'import' });
    expect(asked).toContainEqual({ module: './metrics', path: ['registry'], via: 'import' });
  });

  it('resolves declared types and constructors imported from a summarised module', () => {
    const resolver: ImportedMetricResolver = (reference) =>
      reference.module === './wrapped' && reference.path[0] === 'AppGauge' ? 'Gauge' : undefined;
    expect(
      classify(
        `import { AppGauge } from './wrapped';
        function f(g: AppGauge) { probe(g); probe(new AppGauge({ name: 'g', help: 'h' })); }`,
        { resolveImportedMetric: resolver },
      ),
    ).toEqual(['metric:Gauge', 'metric:Gauge']);
  });
});
