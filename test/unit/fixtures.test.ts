// Specific checks on real kernel replies (test/fixtures/*.hex, made by capture.py): errors and their extended
// acks, capped vs echoed requests, offsets resolved to attribute paths, dump framing and flag tables.
// Expected values are the kernel's (uapi headers, the replies' own bytes), not another decoder's.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeMessages } from '../../extension/src/netlink/index';
import { createRegistry } from '../../extension/src/netlink/registry';
import type { DecodedAttr, DecodedMessage } from '../../extension/src/netlink/types';
import { fixtureNames, loadFixture, parseFixture, type Fixture } from '../fixtures/load';

function decodeAll(fixture: Fixture): DecodedMessage[][] {
  const registry = createRegistry();
  if (fixture.genlFamily) registry.bindGenlId(fixture.genlFamily.id, fixture.genlFamily.name);
  return fixture.buffers.map((b) => decodeMessages(b, { protocol: fixture.protocol, registry }));
}

/** The single message of a one-message fixture. */
function only(name: string): { fixture: Fixture; msg: DecodedMessage } {
  const fixture = loadFixture(name);
  const msgs = decodeAll(fixture).flat();
  assert.equal(msgs.length, 1, `${name}: one message`);
  return { fixture, msg: msgs[0]! };
}

function attr(attrs: readonly DecodedAttr[] | undefined, name: string): DecodedAttr {
  const found = (attrs ?? []).find((a) => a.name === name);
  assert.ok(found, `attribute ${name} among [${(attrs ?? []).map((a) => a.name).join(', ')}]`);
  return found;
}

function u32le(bytes: Uint8Array, offset: number): number {
  return new DataView(bytes.buffer, bytes.byteOffset).getUint32(offset, true);
}

/** The echoed request must be the request that was sent: same header, field by field. */
function assertEchoIsRequest(msg: DecodedMessage, fixture: Fixture): void {
  const req = msg.error?.request;
  assert.ok(req, 'echoed request decoded');
  const view = new DataView(fixture.request.buffer, fixture.request.byteOffset);
  assert.equal(req.length, view.getUint32(0, true), 'echoed nlmsg_len');
  assert.equal(req.type, view.getUint16(4, true), 'echoed nlmsg_type');
  assert.equal(req.flags, view.getUint16(6, true), 'echoed nlmsg_flags');
  assert.equal(req.seq, view.getUint32(8, true), 'echoed nlmsg_seq');
  assert.equal(req.seq, msg.seq, "the error answers the request's seq");
}

test('loader: header line, buffers, genl binding and located errors', () => {
  const f = parseFixture('x', '# protocol=16 request=0a0b genl=netdev:20 -- a dump\n# a note\n0102\n\nff\n');
  assert.equal(f.protocol, 16);
  assert.deepEqual([...f.request], [0x0a, 0x0b]);
  assert.deepEqual(f.genlFamily, { name: 'netdev', id: 20 });
  assert.equal(f.description, 'a dump');
  assert.deepEqual(
    f.buffers.map((b) => [...b]),
    [[1, 2], [0xff]],
  );
  assert.throws(() => parseFixture('y', 'protocol=0\n00'), /y\.hex:1: expected/);
  assert.throws(() => parseFixture('z', '# protocol=0 request=\n0g'), /z\.hex:2: not contiguous lowercase hex/);
  assert.throws(() => parseFixture('w', '# protocol=0 request=00\n'), /w\.hex: no buffers/);
  for (const name of fixtureNames()) assert.ok(loadFixture(name).buffers.length > 0, name);
});

test('genl-getfamily-enoent: ENOENT, no ext-ack text, the request echoed with its family name', () => {
  const { fixture, msg } = only('genl-getfamily-enoent');
  assert.equal(msg.typeName, 'NLMSG_ERROR');
  assert.deepEqual(msg.flagNames, [], 'neither capped nor with TLVs');
  assert.equal(msg.error?.code, -2);
  assert.equal(msg.error?.name, 'ENOENT');
  assert.equal(msg.error?.message, undefined, 'nlctrl sets no ext-ack message for an unknown family');
  assertEchoIsRequest(msg, fixture);
  const req = msg.error!.request!;
  // Generic netlink: typeName names the family, command the genlmsghdr cmd (as the renderers show them).
  assert.equal(req.typeName, 'nlctrl', 'echoed genl request: family');
  assert.equal(req.command, 'CTRL_CMD_GETFAMILY', 'echoed genl request: command');
  assert.equal(attr(req.attrs, 'CTRL_ATTR_FAMILY_NAME').value, 'nosuchfamily');
});

test('rtm-getlink-enodev: the uncapped error echoes the payload, the capped one only the header', () => {
  const unc = only('rtm-getlink-enodev-uncapped');
  const cap = only('rtm-getlink-enodev-capped');
  for (const { msg, fixture } of [unc, cap]) {
    assert.equal(msg.error?.code, -19);
    assert.equal(msg.error?.name, 'ENODEV');
    assertEchoIsRequest(msg, fixture);
    assert.equal(msg.error!.request!.typeName, 'RTM_GETLINK');
    assert.deepEqual(msg.problems, [], 'an echo cut by the kernel is not a truncation problem');
  }
  assert.equal(unc.msg.length, 16 + 4 + 48, 'uncapped: nlmsgerr plus the whole 48-byte request');
  assert.equal(cap.msg.length, 16 + 4 + 16, 'capped: nlmsgerr plus the request header only');
  assert.ok(!unc.msg.flagNames.includes('NLM_F_CAPPED'));
  assert.deepEqual(cap.msg.flagNames, ['NLM_F_CAPPED']);
  const uReq = unc.msg.error!.request!;
  assert.equal(uReq.header?.['ifi_index'], 0x7ffffff0, 'echoed ifinfomsg');
  assert.equal(attr(uReq.attrs, 'IFLA_IFNAME').value, 'nl-missing0');
  assert.equal(attr(uReq.attrs, 'IFLA_IFNAME').offset, 16 + 4 + 16 + 16, 'echoed attribute offset in the reply buffer');
  assert.deepEqual(cap.msg.error!.request!.attrs, [], 'capped: nothing of the payload is invented');
});

test('rtm-newlink-ack: error 0 is an ack, capped by the kernel', () => {
  const { fixture, msg } = only('rtm-newlink-ack');
  assert.equal(msg.typeName, 'NLMSG_ERROR');
  assert.equal(msg.error?.code, 0);
  assert.equal(msg.error?.name, 'ACK');
  assert.deepEqual(msg.flagNames, ['NLM_F_CAPPED'], '0x100 on an ack means CAPPED, not ROOT or REPLACE');
  assertEchoIsRequest(msg, fixture);
  assert.deepEqual(msg.error!.request!.flagNames, ['NLM_F_REQUEST', 'NLM_F_ACK']);
});

test('rtm-getaddr-strict-refused: the dump error and its ext-ack text arrive on NLMSG_DONE', () => {
  const { msg } = only('rtm-getaddr-strict-refused');
  assert.equal(msg.typeName, 'NLMSG_DONE');
  assert.deepEqual(msg.flagNames, ['NLM_F_MULTI', 'NLM_F_ACK_TLVS']);
  assert.equal(msg.error?.code, -22);
  assert.equal(msg.error?.name, 'EINVAL');
  assert.equal(msg.error?.message, 'ipv4: Invalid values in header for address dump request');
  assert.equal(msg.error?.request, undefined, 'DONE echoes no request');
});

test('rtm-newlink-offs: OFFS resolves to IFLA_IFNAME, POLICY gives its limits', () => {
  const { fixture, msg } = only('rtm-newlink-offs');
  assert.deepEqual(msg.flagNames, ['NLM_F_ACK_TLVS']);
  assert.equal(msg.error?.code, -34);
  assert.equal(msg.error?.name, 'ERANGE');
  assert.equal(msg.error?.message, 'Attribute failed policy validation');
  assert.equal(msg.error?.offset, 32, 'nlmsghdr 16 + ifinfomsg 16: the first attribute');
  assert.equal(msg.error?.attrPath, 'IFLA_IFNAME');
  assertEchoIsRequest(msg, fixture);
  const req = msg.error!.request!;
  assert.deepEqual(req.flagNames, ['NLM_F_REQUEST', 'NLM_F_ACK', 'NLM_F_EXCL', 'NLM_F_CREATE'], 'NEW flag table');
  assert.equal(attr(req.attrs, 'IFLA_IFNAME').value, 'nl-fixture-name-too-long');
  // NLMSGERR_ATTR_POLICY: the string policy of IFLA_IFNAME (NL_ATTR_TYPE_STRING, max length IFNAMSIZ-1).
  const policy = msg.error?.policy ?? [];
  assert.equal(attr(policy, 'NL_POLICY_TYPE_ATTR_TYPE').value, 11);
  assert.equal(attr(policy, 'NL_POLICY_TYPE_ATTR_TYPE').valueName, 'NL_ATTR_TYPE_STRING');
  assert.equal(attr(policy, 'NL_POLICY_TYPE_ATTR_MAX_LENGTH').value, 15);
});

test('rtm-newlink-offs-nested: OFFS two nests deep resolves to the full attribute path', () => {
  const { fixture, msg } = only('rtm-newlink-offs-nested');
  assert.equal(msg.error?.code, -34);
  assert.equal(msg.error?.offset, 40, 'IFLA_AF_SPEC at 32, AF_INET6 at 36, the empty u8 at 40');
  assert.equal(msg.error?.attrPath, 'IFLA_AF_SPEC.AF_INET6.IFLA_INET6_ADDR_GEN_MODE');
  assertEchoIsRequest(msg, fixture);
  const afSpec = attr(msg.error!.request!.attrs, 'IFLA_AF_SPEC');
  assert.equal(afSpec.nested, true, 'NLA_F_NESTED as sent');
  const inet6 = attr(afSpec.attrs, 'AF_INET6');
  assert.equal(attr(inet6.attrs, 'IFLA_INET6_ADDR_GEN_MODE').length, 4, 'the empty attribute the kernel refused');
  assert.deepEqual(
    msg.problems.map((p) => p.offset),
    [20 + 40],
    'the decoder flags the same bytes the kernel did',
  );
  const policy = msg.error?.policy ?? [];
  assert.equal(attr(policy, 'NL_POLICY_TYPE_ATTR_TYPE').valueName, 'NL_ATTR_TYPE_U8');
  assert.equal(Number(attr(policy, 'NL_POLICY_TYPE_ATTR_MAX_VALUE_U').value), 255);
});

test('rtm-newlink-unknown-kind: EOPNOTSUPP with the kernel text, capped echo', () => {
  const { fixture, msg } = only('rtm-newlink-unknown-kind');
  assert.deepEqual(msg.flagNames, ['NLM_F_CAPPED', 'NLM_F_ACK_TLVS']);
  assert.equal(msg.error?.code, -95);
  assert.equal(msg.error?.name, 'EOPNOTSUPP');
  assert.equal(msg.error?.message, 'Unknown device type');
  assert.equal(msg.error?.offset, undefined);
  assertEchoIsRequest(msg, fixture);
});

test('genl-netdev-dev-get-miss-type: MISS_TYPE names the missing attribute type', () => {
  const { fixture, msg } = only('genl-netdev-dev-get-miss-type');
  assert.deepEqual(msg.flagNames, ['NLM_F_ACK_TLVS']);
  assert.equal(msg.error?.code, -22);
  assert.equal(msg.error?.name, 'EINVAL');
  assert.equal(msg.error?.missType, 1, 'NETDEV_A_DEV_IFINDEX');
  assert.equal(msg.error?.missNest, undefined);
  assert.equal(msg.error?.message, undefined);
  assertEchoIsRequest(msg, fixture);
  assert.equal(msg.error!.request!.length, 20, 'the echoed request: header and genlmsghdr, no attributes');
});

test('dumps: every data message is NLM_F_MULTI and the last buffer ends with NLMSG_DONE', () => {
  const dumps = [
    'rtm-getlink-dump',
    'rtm-getaddr-dump',
    'rtm-getroute-dump',
    'rtm-getneigh-dump',
    'rtm-getrule-dump',
    'genl-getfamily-dump',
  ];
  const replyType: Record<string, string> = {
    'rtm-getlink-dump': 'RTM_NEWLINK',
    'rtm-getaddr-dump': 'RTM_NEWADDR',
    'rtm-getroute-dump': 'RTM_NEWROUTE',
    'rtm-getneigh-dump': 'RTM_NEWNEIGH',
    'rtm-getrule-dump': 'RTM_NEWRULE',
    'genl-getfamily-dump': 'nlctrl',
  };
  for (const name of dumps) {
    const msgs = decodeAll(loadFixture(name)).flat();
    const last = msgs[msgs.length - 1]!;
    assert.equal(last.typeName, 'NLMSG_DONE', `${name}: ends with DONE`);
    assert.equal(last.error?.code ?? 0, 0, `${name}: DONE carries 0`);
    assert.ok(msgs.length >= 2, `${name}: data before DONE`);
    for (const m of msgs.slice(0, -1)) {
      assert.equal(m.typeName, replyType[name], `${name} @${m.offset}: type name`);
      if (name.startsWith('genl')) assert.equal(m.command, 'CTRL_CMD_NEWFAMILY', `${name} @${m.offset}: command`);
      assert.ok(m.flagNames.includes('NLM_F_MULTI'), `${name} @${m.offset}: NLM_F_MULTI in ${m.flagNames.join('|')}`);
      assert.deepEqual(m.problems, [], `${name} @${m.offset}: no problems`);
    }
  }
  const route = decodeAll(loadFixture('rtm-getroute-dump')).flat();
  assert.deepEqual(route[0]!.flagNames, ['NLM_F_MULTI', 'NLM_F_DUMP_FILTERED'], 'strict table filter acknowledged');
});

test('dump requests are read with the GET flag table, create requests with the NEW one', () => {
  const getDump = loadFixture('rtm-getlink-dump');
  const [req] = decodeMessages(getDump.request, { protocol: 0 });
  assert.equal(req!.typeName, 'RTM_GETLINK');
  assert.equal(req!.flags, 0x301);
  const names = new Set(req!.flagNames);
  assert.ok(names.has('NLM_F_REQUEST'));
  assert.ok(names.has('NLM_F_DUMP') || (names.has('NLM_F_ROOT') && names.has('NLM_F_MATCH')), [...names].join('|'));
  for (const wrong of ['NLM_F_REPLACE', 'NLM_F_EXCL', 'NLM_F_CAPPED', 'NLM_F_ACK_TLVS'])
    assert.ok(!names.has(wrong), wrong);

  const create = loadFixture('rtm-newlink-unknown-kind');
  const [newReq] = decodeMessages(create.request, { protocol: 0 });
  assert.deepEqual(newReq!.flagNames, ['NLM_F_REQUEST', 'NLM_F_ACK', 'NLM_F_EXCL', 'NLM_F_CREATE']);
  const linkinfo = attr(newReq!.attrs, 'IFLA_LINKINFO');
  assert.equal(attr(linkinfo.attrs, 'IFLA_INFO_KIND').value, 'nosuchkind');

  const genlDump = loadFixture('genl-getfamily-dump');
  const [greq] = decodeMessages(genlDump.request, { protocol: 16 });
  assert.equal(greq!.typeName, 'nlctrl');
  assert.equal(greq!.command, 'CTRL_CMD_GETFAMILY');
  assert.ok(!greq!.flagNames.includes('NLM_F_REPLACE') && !greq!.flagNames.includes('NLM_F_EXCL'));
});

test("genl-getfamily-nlctrl: nlctrl's own entry, ops and multicast group decoded from the nests", () => {
  const { msg } = only('genl-getfamily-nlctrl');
  assert.equal(msg.family, 'nlctrl');
  assert.equal(msg.typeName, 'nlctrl');
  assert.equal(msg.command, 'CTRL_CMD_NEWFAMILY');
  assert.equal(msg.header?.['cmd'], 1);
  assert.equal(attr(msg.attrs, 'CTRL_ATTR_FAMILY_NAME').value, 'nlctrl');
  assert.equal(attr(msg.attrs, 'CTRL_ATTR_FAMILY_ID').value, 0x10);
  // CTRL_ATTR_OPS: indexed array of {OP_ID, OP_FLAGS}; nlctrl has GETFAMILY (3) and GETPOLICY (10).
  const ops = attr(msg.attrs, 'CTRL_ATTR_OPS').attrs ?? [];
  const opIds = ops.map((entry) => attr(entry.attrs, 'CTRL_ATTR_OP_ID').value);
  assert.deepEqual(opIds, [3, 10]);
  const groups = attr(msg.attrs, 'CTRL_ATTR_MCAST_GROUPS').attrs ?? [];
  assert.equal(groups.length, 1);
  assert.equal(attr(groups[0]!.attrs, 'CTRL_ATTR_MCAST_GRP_NAME').value, 'notify');
  assert.equal(attr(groups[0]!.attrs, 'CTRL_ATTR_MCAST_GRP_ID').value, 0x10);
});

test('rtm-getlink-dump: the reply bytes and the decoded values agree', () => {
  const fixture = loadFixture('rtm-getlink-dump');
  const buf = fixture.buffers[0]!;
  const msgs = decodeMessages(buf, { protocol: 0 });
  // Message boundaries from nlmsg_len, read here independently of the decoder.
  let off = 0;
  for (const m of msgs) {
    assert.equal(m.offset, off);
    assert.equal(m.length, u32le(buf, off));
    off += (m.length + 3) & ~3;
  }
  assert.equal(off, buf.length, 'messages cover the whole buffer');
  const lo = msgs.find((m) => m.header?.['ifi_index'] === 1);
  assert.ok(lo, 'lo (ifindex 1) in the dump');
  assert.equal(attr(lo.attrs, 'IFLA_IFNAME').value, 'lo');
  assert.equal(attr(lo.attrs, 'IFLA_MTU').value, 65536);
  const stats = attr(lo.attrs, 'IFLA_STATS64');
  assert.ok(stats.fields && 'rx_bytes' in stats.fields, 'rtnl_link_stats64 decoded as a struct');
});
