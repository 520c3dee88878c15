// The module-development feature's public surface (node only; the VS Code commands are in commands.ts).
export { buildModule, remoteBuildPaths, type BuildOptions, type BuildResult } from './build';
export { parseKbuildOutput, primaryDiagnostics, type KbuildDiagnostic, type KbuildPathMap } from './kbuild';
export { KernelLogFollower, newKernelLogLines, readKernelLog } from './kernelLog';
export {
  insmod,
  loadedName,
  moduleParameterArgs,
  moduleParameters,
  moduleState,
  parseProcModules,
  rmmod,
  type ModuleState,
} from './module';
export { readModuleSources, parseObjM, type ModuleSources } from './moduleSources';
export { resolveModuleFolder } from './moduleFolder';
export { copyModuleTemplate, checkNewModuleName } from './template';
export {
  KmodError,
  type BuildMode,
  type ModuleTarget,
  type RemoteRunner,
  type RemoteExecOptions,
  type RemoteExecResult,
} from './remote';
