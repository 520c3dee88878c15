// activate(): wiring only. Each feature lives in its own folder and registers its own disposables.
import * as vscode from 'vscode';
import { startDecoder } from './decoder/client';
import { LabController } from './lab/vscodeLab';

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const log = vscode.window.createOutputChannel('Netlink', { log: true });
  context.subscriptions.push(log);
  try {
    LabController.register(context, log);
    await startDecoder(context, log);
  } catch (e) {
    // VS Code shows nothing when activation fails: say it, with a way to the details.
    log.error(`activation failed: ${String((e as Error).stack ?? e)}`);
    const open = await vscode.window.showErrorMessage(`Netlink Workbench failed to start: ${(e as Error).message}`, 'Open Output');
    if (open) log.show();
  }
}

export function deactivate(): void {
  // Disposables in context.subscriptions stop the language client and the lab VM.
}
