// The extensionTestsPath module of the untrusted session: Workspace Trust on, the folder not trusted
// (run-in-code-server.ts starts it with its own settings).
import './suites/trust.suite';

export { run } from './report';
