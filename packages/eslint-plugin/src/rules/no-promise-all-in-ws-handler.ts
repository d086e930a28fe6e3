// PLACEHOLDER: replaced by the real rule implementation.
import { createRule } from '../utils/create-rule.js';

export default createRule({
  name: 'no-promise-all-in-ws-handler',
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
