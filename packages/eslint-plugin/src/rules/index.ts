import noBareSleepInLoop from './no-bare-sleep-in-loop.js';
import noDetachedTask from './no-detached-task.js';
import noDynamicMetricLabels from './no-dynamic-metric-labels.js';
import noLeakedAbortListener from './no-leaked-abort-listener.js';
import noPromiseAllInWsHandler from './no-promise-all-in-ws-handler.js';
import noRaceWithLongLivedPromise from './no-race-with-long-lived-promise.js';
import noUncheckedSettledResults from './no-unchecked-settled-results.js';
import requireDrainInFinally from './require-drain-in-finally.js';
import requirePairedGauge from './require-paired-gauge.js';

export const rules = {
  'no-bare-sleep-in-loop': noBareSleepInLoop,
  'no-detached-task': noDetachedTask,
  'no-dynamic-metric-labels': noDynamicMetricLabels,
  'no-leaked-abort-listener': noLeakedAbortListener,
  'no-promise-all-in-ws-handler': noPromiseAllInWsHandler,
  'no-race-with-long-lived-promise': noRaceWithLongLivedPromise,
  'no-unchecked-settled-results': noUncheckedSettledResults,
  'require-drain-in-finally': requireDrainInFinally,
  'require-paired-gauge': requirePairedGauge,
};
