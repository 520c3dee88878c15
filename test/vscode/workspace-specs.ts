// Spec files a workspace brings, for both sessions (run-in-code-server.ts writes them into each workspace copy):
// a kernel tree's Documentation/netlink/specs with a family no other source defines, a folder that a workspace
// setting (netlink.decoder.specFolders) names, and a log with one message of each family. A trusted workspace
// decodes them by name; an untrusted one must not read those files at all.
import { copyFileSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** A netlink-raw family for protocol `protonum` whose type 16 is "hello" (text payload). */
export function specOf(name: string, protonum: number): string {
  return `name: ${name}
protocol: netlink-raw
protonum: ${protonum}
doc: Test fixture, a family that only this workspace defines.
definitions: []
attribute-sets: []
operations:
  enum-model: directional
  list:
    - name: hello
      do:
        request: {value: 16, x-text-payload: true}
        reply: {value: 17, x-text-payload: true}
mcast-groups:
  list: []
`;
}

/** The family of the workspace's kernel tree (Documentation/netlink/specs), on protocol 30. */
export const KERNEL_TREE_FAMILY = 'wstree';
/** The family of the folder a workspace setting names, on protocol 29. */
export const SETTING_FAMILY = 'wssetting';
/** That folder, relative to the workspace. */
export const SETTING_SPEC_FOLDER = 'specs-by-setting';
export const LOG_FILE = 'workspace-families.log';

/** A hello message (type 16, NLM_F_REQUEST|NLM_F_ACK, seq 1) with the text "hi", the protocol on the line above. */
const hello = (protocol: number): string =>
  `wsmod: protocol=${protocol}\nwsmod: tx 14 00 00 00 10 00 05 00 01 00 00 00 00 00 00 00 68 69 00 00\n`;
/** Where each message is in the log: the first "10 00" after the anchor is its type. */
export const LOG_ANCHORS = { kernelTree: 'protocol=30', setting: 'protocol=29' } as const;

/**
 * A spec with mistakes, outside the specs folder (so decoding never loads it): `docs:` is no key the kernel's
 * schema allows, and its op names an attribute set it does not define (the loader's complaint).
 */
export const BROKEN_SPEC = 'ynl/wsbroken.yaml';
const BROKEN_SPEC_TEXT = specOf('wsbroken', 28)
  .replace('doc: Test fixture', 'docs: Test fixture')
  .replace('    - name: hello\n', '    - name: hello\n      attribute-set: nosuchset\n');

/** The fetched linux-source's Documentation/netlink (test/fixtures/ynl/fetch-specs.sh). */
function kernelNetlinkDocs(): string {
  const cache = process.env.NETLINK_CACHE ?? resolve(__dirname, '..', '..', '.cache');
  return join(cache, 'ynl-specs-6.12', 'linux-source-6.12', 'Documentation', 'netlink');
}

/**
 * Specs for the editor's names (spec-navigation.suite.ts), outside the specs folder like BROKEN_SPEC: the kernel's
 * netdev.yaml, and the unit tests' fixture with non-ASCII text before names on their lines.
 */
export const NAV_KERNEL_SPEC = 'ynl/netdev.yaml';
export const NAV_FIXTURE_SPEC = 'ynl/nav-features.yaml';

/** Writes the spec files and the log into the workspace folder `dir`. */
export function addWorkspaceSpecs(dir: string): void {
  const tree = join(dir, 'Documentation', 'netlink', 'specs');
  mkdirSync(tree, { recursive: true });
  writeFileSync(join(tree, `${KERNEL_TREE_FAMILY}.yaml`), specOf(KERNEL_TREE_FAMILY, 30));
  mkdirSync(join(dir, SETTING_SPEC_FOLDER), { recursive: true });
  writeFileSync(join(dir, SETTING_SPEC_FOLDER, `${SETTING_FAMILY}.yaml`), specOf(SETTING_FAMILY, 29));
  writeFileSync(join(dir, LOG_FILE), hello(30) + hello(29));
  mkdirSync(join(dir, 'ynl'), { recursive: true });
  writeFileSync(join(dir, BROKEN_SPEC), BROKEN_SPEC_TEXT);
  // The tree's schemas, where the editor finds them for any spec of the (trusted) workspace.
  for (const schema of ['netlink-raw.yaml', 'genetlink.yaml']) {
    const from = join(kernelNetlinkDocs(), schema);
    if (existsSync(from)) copyFileSync(from, join(dir, 'Documentation', 'netlink', schema));
  }
  const netdev = join(kernelNetlinkDocs(), 'specs', 'netdev.yaml');
  if (existsSync(netdev)) copyFileSync(netdev, join(dir, NAV_KERNEL_SPEC));
  copyFileSync(resolve(__dirname, '..', 'fixtures', 'ynl', 'nav-features.yaml'), join(dir, NAV_FIXTURE_SPEC));
}
