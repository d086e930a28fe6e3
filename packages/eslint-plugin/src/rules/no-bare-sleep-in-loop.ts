// PLACEHOLDER: replaced by the real rule implementation.
import { createRule } from '../utils/create-rule.js';

export default createRule({
  name: 'no-bare-sleep-in-loop',
  meta: {
    type: 'problem',
    docs: { description: 'placeholder', recommended: 'recommended' },
    messages: { placeholder: 'placeholder' },
    schema: [],
  },
  defaultOptions: [],
  create() {
    return {};
  },
});
