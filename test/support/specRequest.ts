// A generic netlink request built from a kernel YNL spec the way the builder does it, sent the way the builder
// sends it: the family id resolved on the target (CTRL_CMD_GETFAMILY, builder/resolveFamily.ts), the form state
// filled through the builder's model (operation picker, attribute nodes), its bytes through builder/exchange.ts,
// and the replies decoded by the spec. Shared by the lab tests (ethtool on the lab's 6.1, netdev on Debian's 6.12)
// and the native test (netdev on this machine's kernel).
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { runExchange } from '../../extension/src/builder/exchange';
import { resolveFamilyId } from '../../extension/src/builder/resolveFamily';
import type { Exchanger } from '../../extension/src/exchange/exchanger';
import {
  createRegistry,
  decodeMessages,
  fromHex,
  NETLINK_GENERIC,
  type DecodedAttr,
  type DecodedMessage,
  type FamilyRegistry,
} from '../../extension/src/netlink/index';
import { loadSpecFiles } from '../../extension/src/specs/specFiles';
import type { SendResult } from '../../extension/src/protocol/webview';
import { addAttr, findNode, setGenlFamily, setProtocol } from '../../webview/src/model/edit';
import { buildMessage } from '../../webview/src/model/encode';
import { chooseOperation } from '../../webview/src/model/operations';
import { initialState, type BuilderState } from '../../webview/src/model/state';

export function kernelSpecsDir(cache: string): string {
  return join(cache, 'ynl-specs-6.12/linux-source-6.12/Documentation/netlink/specs');
}

/** The registry the extension builds from a spec folder (built-ins plus every spec in it). */
export function specRegistry(cache: string): FamilyRegistry {
  const report = loadSpecFiles([kernelSpecsDir(cache)]);
  assert.ok(report.families.length >= 19, report.problems.join('\n'));
  return createRegistry(report.families);
}

/** Attributes to fill, top-level first: [name, value, children]. */
export type AttrFill = readonly [name: string, value: string, children?: readonly AttrFill[]];

/** A form for `family`'s `op` ("dev-get do") with `attrs` filled, its id resolved on the target. */
export async function specForm(
  exchanger: Exchanger,
  registry: FamilyRegistry,
  family: string,
  op: string,
  attrs: readonly AttrFill[],
): Promise<BuilderState> {
  const s = initialState();
  setProtocol(s, 'generic', registry);
  setGenlFamily(s, family, registry);
  const def = registry.genlByFamilyName(family);
  assert.ok(def, `no spec for ${family}`);
  assert.ok(chooseOperation(s, registry, def, op), `${family} has no operation ${op}`);
  const resolved = await resolveFamilyId(exchanger, family, 10_000);
  assert.ok('id' in resolved, 'error' in resolved ? resolved.error : '');
  s.genlFamilyId = String(resolved.id);
  registry.bindGenlId(resolved.id, family);
  const fill = (list: readonly AttrFill[], parent: number | undefined): void => {
    for (const [name, value, children] of list) {
      const id = addAttr(s, registry, parent, name);
      assert.ok(id !== undefined);
      findNode(s.attrs, id)!.value = value;
      if (children) fill(children, id);
    }
  };
  fill(attrs, undefined);
  return s;
}

/** Builds and sends the form; the replies decoded by the registry's specs. */
export async function sendForm(
  exchanger: Exchanger,
  registry: FamilyRegistry,
  s: BuilderState,
): Promise<{ result: SendResult; replies: DecodedMessage[] }> {
  const built = buildMessage(s, registry);
  assert.deepEqual(built.issues, []);
  const result = await runExchange(exchanger, NETLINK_GENERIC, built.bytes, 10_000);
  assert.equal(result.kind, 'replies', result.kind === 'failed' ? result.message : '');
  const replies: DecodedMessage[] = [];
  for (const hex of result.kind === 'replies' ? result.replies : []) {
    const bytes = fromHex(hex);
    assert.ok(bytes, `reply is not hex: ${hex}`);
    replies.push(...decodeMessages(bytes, { protocol: NETLINK_GENERIC, registry }));
  }
  return { result, replies };
}

export function attr(attrs: readonly DecodedAttr[] | undefined, name: string): DecodedAttr {
  const a = attrs?.find((x) => x.name === name);
  assert.ok(a, `no ${name} among ${attrs?.map((x) => x.name).join(', ')}`);
  return a;
}
