export { expandInputs, type ExpandedInputs } from './walk.js';
export { readInput, type ReadOptions } from './read-input.js';
export { DEFAULT_LIMITS, type SplitItem, type SplitterLimits } from './split-types.js';
