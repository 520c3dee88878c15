// The YNL spec loader: kernel netlink family specs (Documentation/netlink/specs/*.yaml) → the codec's FamilyDef.
export { loadYnlSpec, type YnlLoadResult } from './load';
export { TEXT_PAYLOAD_KEY } from './operations';
export type { YnlProblem } from './reader';
export { AS_FLAGS_SUFFIX } from './references';
