// The lab's public surface for the extension (which adds the VS Code side: commands, status, the `lab` target).
export { LabError } from './errors';
export { LabState, LabVm, type ExecOptions, type ExecResult, type LabStartOptions } from './labVm';
export { LAB_HOST_PACKAGES, ensurePackages, labHostPackages } from './hostPackages';
export { missingPackages } from '../debian/packages';
export type { LabArch } from './arch';
export { shellCommand as quoteArgv, quoteWord } from '../target/quote';
export type { LabKernel } from './kernel';
