// The command table against package.json: the same commands one to one, enablement `isWorkspaceTrusted` exactly
// where the table says VS Code disables the command in an untrusted workspace, and the same menus.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { COMMANDS, type CommandName, type CommandSpec } from '../../extension/src/commands';

interface Manifest {
  contributes: {
    commands: { command: string; title: string; category?: string; enablement?: string }[];
    menus: Record<string, { command: string }[]>;
  };
}

const manifest = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as Manifest;
const table = Object.entries(COMMANDS) as [CommandName, CommandSpec][];

describe('command table and package.json', () => {
  it('holds every contributed command once, and only those', () => {
    const ids = table.map(([, c]) => c.id);
    assert.equal(new Set(ids).size, ids.length, 'an id twice in the table');
    assert.deepEqual([...ids].sort(), manifest.contributes.commands.map((c) => c.command).sort());
    for (const c of manifest.contributes.commands) assert.equal(c.category, 'Netlink', `${c.command} category`);
  });

  it('a command is disabled untrusted in the manifest exactly when the table says so', () => {
    const enablement = new Map(manifest.contributes.commands.map((c) => [c.command, c.enablement]));
    for (const [name, c] of table) {
      assert.equal(enablement.get(c.id), c.untrusted?.disabled ? 'isWorkspaceTrusted' : undefined, `${name} (${c.id})`);
    }
  });

  it('every command the manifest disables untrusted also refuses in code (another extension can still call it)', () => {
    const disabled = manifest.contributes.commands.filter((c) => c.enablement !== undefined).map((c) => c.command);
    const refusing: readonly string[] = table.filter(([, c]) => c.untrusted !== undefined).map(([, c]) => c.id);
    assert.deepEqual(
      disabled.filter((id) => !refusing.includes(id)),
      [],
    );
  });

  it('shows each command in the menus the table names', () => {
    const fromManifest = Object.entries(manifest.contributes.menus)
      .flatMap(([menu, items]) => items.map((i) => `${menu} ${i.command}`))
      .sort();
    const fromTable = table.flatMap(([, c]) => (c.menus ?? []).map((menu) => `${menu} ${c.id}`)).sort();
    assert.deepEqual(fromTable, fromManifest);
  });
});
