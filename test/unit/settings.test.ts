// The typed settings against package.json, the one place their defaults are written: the table names every
// contributed setting once and marks the restricted ones as the manifest does; the package's defaults read back
// without a problem; every bad value is reported with its place and falls back; a change names only its group.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { DEFAULT_MODULE_FOLDER } from '../../extension/src/module/moduleFolder';
import { DEFAULT_SETTINGS } from '../../extension/src/protocol/languageServer';
import {
  changedGroups,
  parseSettings,
  SETTING_KEYS,
  SETTINGS,
  type SettingKey,
  type SettingsSource,
} from '../../extension/src/settings';
import { LAB_TARGET_NAME } from '../../extension/src/target/validate';

interface Property {
  default?: unknown;
  items?: { properties?: Record<string, { default?: unknown }> };
}

interface Manifest {
  contributes: { configuration: { properties: Record<string, Property> } };
  capabilities: { untrustedWorkspaces: { restrictedConfigurations: string[] } };
}

const manifest = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as Manifest;
const properties = manifest.contributes.configuration.properties;

function contributed(key: SettingKey): Property {
  const p = properties[`netlink.${key}`];
  if (!p) throw new Error(`netlink.${key} is not contributed`);
  return p;
}

/** What VS Code hands out when nobody set anything: the contributed defaults, with `values` set over them. */
function source(values: Partial<Record<SettingKey, unknown>> = {}, trusted = true): SettingsSource {
  return {
    read: (key) => (key in values ? values[key] : contributed(key).default),
    workspaceFolders: ['/work/space'],
    trusted,
  };
}

describe('settings table and package.json', () => {
  it('names every contributed setting once, and only those', () => {
    assert.deepEqual(
      [...SETTING_KEYS].sort(),
      Object.keys(properties)
        .map((k) => k.replace(/^netlink\./, ''))
        .sort(),
    );
    assert.ok(Object.keys(properties).every((k) => k.startsWith('netlink.')));
  });

  it("marks as restricted exactly the manifest's restrictedConfigurations", () => {
    const restricted = SETTING_KEYS.filter((k) => SETTINGS[k].restricted).map((k) => `netlink.${k}`);
    assert.deepEqual(restricted.sort(), [...manifest.capabilities.untrustedWorkspaces.restrictedConfigurations].sort());
  });

  it('every contributed setting has a default (VS Code hands it out; the code keeps no copy)', () => {
    assert.deepEqual(
      SETTING_KEYS.filter((k) => !('default' in contributed(k))),
      [],
    );
  });

  it('the fallbacks used before VS Code sends a value are the contributed defaults', () => {
    // The language server starts before it is told anything and falls back on bad values: its table is read from
    // package.json (settingDefaults.ts), and LAB_TARGET_NAME, a name the code gives the lab, must be the default.
    const d = DEFAULT_SETTINGS;
    assert.deepEqual(
      [
        d.defaultProtocol,
        d.specFolders,
        d.genlFamilyIds,
        d.hoverLanguages,
        d.inlayHintsEnabled,
        d.inlayHintLanguages,
        d.lintEnabled,
        d.lintFiles,
      ],
      (
        [
          'decoder.defaultProtocol',
          'decoder.specFolders',
          'decoder.genlFamilyIds',
          'hover.languages',
          'inlayHints.enabled',
          'inlayHints.languages',
          'lint.enabled',
          'lint.files',
        ] as const
      ).map((k) => contributed(k).default),
    );
    assert.equal(contributed('activeTarget').default, LAB_TARGET_NAME);
    assert.equal(contributed('module.folder').default, DEFAULT_MODULE_FOLDER);
    // A target that sets only what it must gets the item defaults the manifest shows.
    const { settings } = parseSettings(source({ targets: [{ name: 'board', destination: 'root@127.0.0.1' }] }));
    const target = settings.targets.targets[0] as unknown as Record<string, unknown>;
    const items = contributed('targets').items?.properties ?? {};
    for (const [field, p] of Object.entries(items)) {
      if ('default' in p) assert.deepEqual(target[field], p.default, `netlink.targets[].${field}`);
    }
  });
});

describe('parseSettings', () => {
  it('reads the contributed defaults without a problem', () => {
    const { settings, problems } = parseSettings(source());
    assert.deepEqual(problems, []);
    assert.equal(settings.decoder.defaultProtocol, 'auto');
    assert.deepEqual(settings.decoder.workspaceFolders, ['/work/space']);
    assert.equal(settings.decoder.workspaceTrusted, true);
    assert.deepEqual(settings.targets, { targets: [], activeTarget: LAB_TARGET_NAME });
    assert.deepEqual(settings.lab, { autoStart: false });
    assert.deepEqual(settings.module, { folder: { dir: '/work/space/kmod' }, parameters: { args: [] } });
  });

  it('reads good values', () => {
    const { settings, problems } = parseSettings(
      source({
        'decoder.defaultProtocol': 'generic',
        targets: [{ name: 'board', destination: 'me@127.0.0.1:2222', useSudo: true }],
        activeTarget: 'board',
        'ssh.path': '/usr/bin/ssh',
        'lab.autoStart': true,
        'module.folder': 'mymodule',
        'module.parameters': { protocol: 30, verbose: true },
      }),
    );
    assert.deepEqual(problems, []);
    assert.equal(settings.decoder.defaultProtocol, 'generic');
    assert.equal(settings.targets.activeTarget, 'board');
    assert.equal(settings.targets.targets[0]?.useSudo, true);
    assert.equal(settings.targets.sshPath, '/usr/bin/ssh');
    assert.equal(settings.targets.sshConfigFile, undefined, '"" means: not set');
    assert.equal(settings.lab.autoStart, true);
    assert.deepEqual(settings.module, {
      folder: { dir: '/work/space/mymodule' },
      parameters: { args: ['protocol=30', 'verbose=Y'] },
    });
  });

  it('reports each bad value with its place, and falls back', () => {
    const { settings, problems } = parseSettings(
      source({
        'decoder.defaultProtocol': 'nonsense',
        'hover.languages': 'c',
        'lint.files': 'everywhere',
        targets: [{ name: 'board' }],
        activeTarget: 'elsewhere',
        'ssh.configFile': 42,
        'lab.autoStart': 'yes',
        'module.folder': ['kmod'],
        'module.parameters': { 'no such name': 1 },
      }),
    );
    const byKey = new Map(problems.map((p) => [p.key ?? '', p.text]));
    assert.deepEqual([...byKey.keys()].sort(), [
      'activeTarget',
      'decoder.defaultProtocol',
      'hover.languages',
      'lab.autoStart',
      'lint.files',
      'module.folder',
      'module.parameters',
      'ssh.configFile',
      'targets',
    ]);
    for (const p of problems)
      assert.ok(p.text.startsWith(`netlink.${p.key ?? ''}`), `"${p.text}" names netlink.${p.key ?? '?'} first`);
    assert.match(byKey.get('targets') ?? '', /^netlink\.targets\[0\]\.destination: is required/);
    assert.match(byKey.get('activeTarget') ?? '', /"elsewhere" is not "lab"/);
    assert.equal(settings.decoder.defaultProtocol, contributed('decoder.defaultProtocol').default);
    assert.deepEqual(settings.decoder.hoverLanguages, contributed('hover.languages').default);
    assert.deepEqual(settings.targets, { targets: [], activeTarget: LAB_TARGET_NAME });
    assert.equal(settings.lab.autoStart, false, 'anything but true leaves the VM off');
    assert.deepEqual(settings.module.folder, { dir: '/work/space/kmod' });
    assert.ok('error' in settings.module.parameters, 'loading refuses bad parameters rather than dropping them');
  });

  it('without a workspace folder, a relative module folder says what is missing', () => {
    const { settings, problems } = parseSettings({ ...source(), workspaceFolders: [] });
    assert.deepEqual(problems, []);
    assert.match('error' in settings.module.folder ? settings.module.folder.error : '', /no folder is open/);
  });
});

describe('changedGroups', () => {
  it('names the group of the setting that changed, and nothing else', () => {
    const before = parseSettings(source()).settings;
    const changes: [Partial<Record<SettingKey, unknown>>, string[]][] = [
      [{}, []],
      [{ 'inlayHints.enabled': false }, ['decoder']],
      [{ 'lint.enabled': false }, ['decoder']],
      [{ 'ssh.path': '/opt/ssh' }, ['targets']],
      [{ 'lab.autoStart': true }, ['lab']],
      [{ 'module.parameters': { protocol: 30 } }, ['module']],
      // The decoder loads the module folder's specs: a new folder is a decoder change too.
      [{ activeTarget: 'lab', 'module.folder': 'other' }, ['decoder', 'module']],
    ];
    for (const [values, groups] of changes) {
      assert.deepEqual(
        [...changedGroups(before, parseSettings(source(values)).settings)].sort(),
        groups,
        JSON.stringify(values),
      );
    }
    // Trust granted: the language server's settings say so (its workspace specs load from then on).
    assert.deepEqual([...changedGroups(parseSettings(source({}, false)).settings, before)], ['decoder']);
  });
});
