// The extensionTestsPath module: VS Code's extension host requires it and awaits run(); a rejection is exit code 1.
// Used unchanged by code-server's smoke-test driver (test/vscode/run.sh) and by @vscode/test-electron. These suites
// need a trusted workspace; index-untrusted.ts holds the ones for an untrusted one (a session of its own).
import './suites/hover.suite';
import './suites/decode.suite';
import './suites/targets.suite';
import './suites/settings.suite';
import './suites/workspace-specs.suite';
import './suites/spec-navigation.suite';
import './suites/lint.suite';
// Last: it boots the lab VM, the slow part of the run.
import './suites/module-loop.suite';

export { run } from './report';
