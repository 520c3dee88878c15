// Registers every command of the table (commands.ts) with its function, behind the trust gate the table states.
import * as vscode from 'vscode';
import { COMMANDS, type CommandHandlers, type CommandName, type CommandSpec } from './commands';
import type { TrustGate } from './trust';

export function registerCommands(handlers: CommandHandlers, gate: TrustGate): vscode.Disposable {
  const entries = Object.entries(COMMANDS) as [CommandName, CommandSpec][];
  return vscode.Disposable.from(
    ...entries.map(([name, spec]) => {
      // The handler checks its own arguments (see CommandHandlers).
      const run = handlers[name] as (...args: unknown[]) => unknown;
      return vscode.commands.registerCommand(spec.id, (...args: unknown[]) => {
        // A refused command resolves to undefined, as one that was cancelled does.
        if (spec.untrusted && !gate.allows(spec.untrusted)) return undefined;
        return run(...args);
      });
    }),
  );
}
