// The YNL spec loader: kernel netlink family specs (Documentation/netlink/specs/*.yaml) → the codec's FamilyDef.
export { loadYnlSpec, type YnlLoadResult } from './load';
export type { YnlProblem } from './reader';
