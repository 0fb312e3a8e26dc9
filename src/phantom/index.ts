// The phantom API in one import: make or load a demo dataset, draw single cases, the organ
// list and class map, and the seeded random generator others may reuse.
export { makeDemoDataset } from './make-demo-dataset.js';
export { loadDemoDataset, type DemoCase, type DemoDataset } from './load-demo-dataset.js';
export {
  DEMO_DATASET_DEFAULTS,
  DEMO_MIXES,
  checkDemoDatasetOptions,
  demoDatasetKey,
  type DemoDatasetOptions,
  type GroupMix,
  type SplitMixes,
} from './demo-dataset-options.js';
export {
  CASE_GROUPS,
  GROUP_DESCRIPTIONS,
  TYPICAL_GROUP,
  type CaseGroup,
} from './case-groups.js';
export { PHANTOM_GENERATOR_VERSION, renderPhantomCase, type PhantomCase } from './render-case.js';
export {
  PHANTOM_ORGANS,
  phantomClassMap,
  phantomDatasetLabels,
  type PhantomOrganName,
} from './organs.js';
export { createRandom, deriveSeed, type Random } from './random.js';
