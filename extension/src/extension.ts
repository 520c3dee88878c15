// activate(): wiring only. Each feature lives in its own folder and registers its own disposables.
import * as vscode from 'vscode';
import { registerBuilder } from './builder/index';
import { startDecoder } from './decoder/client';
import { HostRegistry } from './decoder/registry';
import { LabController } from './lab/vscodeLab';

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const log = vscode.window.createOutputChannel('Netlink', { log: true });
  context.subscriptions.push(log);
  try {
    const registry = new HostRegistry(context.asAbsolutePath('dist'), log);
    context.subscriptions.push(registry);
    LabController.register(context, log);
    const builder = registerBuilder({
      extensionUri: context.extensionUri,
      workspaceState: context.workspaceState,
      log,
      registry: () => registry.get(),
      sender: () => undefined,
    });
    context.subscriptions.push(builder, registry.onDidChange(() => builder.refresh()));
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
