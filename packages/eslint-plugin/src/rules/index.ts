import noBareSleepInLoop from './no-bare-sleep-in-loop.js';
import noDetachedTask from './no-detached-task.js';
import noDynamicMetricLabels from './no-dynamic-metric-labels.js';
import noPromiseAllInWsHandler from './no-promise-all-in-ws-handler.js';

export const rules = {
  'no-bare-sleep-in-loop': noBareSleepInLoop,
  'no-detached-task': noDetachedTask,
  'no-dynamic-metric-labels': noDynamicMetricLabels,
  'no-promise-all-in-ws-handler': noPromiseAllInWsHandler,
};
