// Every workflow the worker serves. The worker bundles this file for Temporal's deterministic sandbox.
export { selfCheck } from './selfcheck.js';
