// Cross-check: our decoder against pyroute2 on real kernel replies (test/fixtures/*.hex, references made by
// test/fixtures/pyroute2-reference.py). Framing, headers, fixed-header fields, top-level attributes (type, offset,
// length, name, simple values), errors with their ext-ack TLVs and echoed requests must agree.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeMessages } from '../../extension/src/netlink/index';
import { createRegistry } from '../../extension/src/netlink/registry';
import type { DecodedAttr, DecodedMessage } from '../../extension/src/netlink/types';
import {
  fixtureNames,
  loadFixture,
  loadReference,
  type Fixture,
  type RefAttr,
  type RefMessage,
} from '../fixtures/load';

/** pyroute2 fixed-header field names → ours (uapi struct member names), per pyroute2 message class. */
const HEADER_FIELDS: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  ifinfmsg: {
    family: 'ifi_family',
    ifi_type: 'ifi_type',
    index: 'ifi_index',
    flags: 'ifi_flags',
    change: 'ifi_change',
  },
  ifaddrmsg: {
    family: 'ifa_family',
    prefixlen: 'ifa_prefixlen',
    flags: 'ifa_flags',
    scope: 'ifa_scope',
    index: 'ifa_index',
  },
  rtmsg: {
    family: 'rtm_family',
    dst_len: 'rtm_dst_len',
    src_len: 'rtm_src_len',
    tos: 'rtm_tos',
    table: 'rtm_table',
    proto: 'rtm_protocol',
    scope: 'rtm_scope',
    type: 'rtm_type',
    flags: 'rtm_flags',
  },
  ndmsg: { family: 'ndm_family', ifindex: 'ndm_ifindex', state: 'ndm_state', flags: 'ndm_flags', ndm_type: 'ndm_type' },
  fibmsg: {
    family: 'family',
    dst_len: 'dst_len',
    src_len: 'src_len',
    tos: 'tos',
    table: 'table',
    action: 'action',
    flags: 'flags',
  },
  ctrlmsg: { cmd: 'cmd', version: 'version' },
  netdevmsg: { cmd: 'cmd', version: 'version' },
};

/**
 * Where pyroute2 names a value instead of giving the number: its names mapped back to the kernel's values
 * (IF_OPER_* from uapi if.h), so the comparison does not depend on how we spell enum entries.
 */
const REF_NAMED_VALUES: Readonly<Record<string, Readonly<Record<string, number>>>> = {
  IFLA_OPERSTATE: { UNKNOWN: 0, NOTPRESENT: 1, DOWN: 2, LOWERLAYERDOWN: 3, TESTING: 4, DORMANT: 5, UP: 6 },
};

/**
 * A kernel reply is well formed, so it yields no problems; except where the echoed request was itself
 * malformed on purpose: there the decoder should point at the bad bytes (offset in the reply buffer).
 */
const EXPECTED_PROBLEMS: Readonly<Record<string, readonly number[]>> = {
  // The empty IFLA_INET6_ADDR_GEN_MODE (a u8) the kernel refused: NLMSGERR_ATTR_OFFS 40 + 20 bytes of nlmsgerr.
  'rtm-newlink-offs-nested': [60],
};

/** The family our decoder cannot know without a YNL spec (pyroute2 got the names from netdev.yaml). */
function knowsFamily(fixture: Fixture): boolean {
  return fixture.protocol === 0 || !fixture.genlFamily || fixture.genlFamily.name === 'nlctrl';
}

function decodeFixtureBuffer(fixture: Fixture, bytes: Uint8Array): DecodedMessage[] {
  const registry = createRegistry();
  if (fixture.genlFamily) registry.bindGenlId(fixture.genlFamily.id, fixture.genlFamily.name);
  return decodeMessages(bytes, { protocol: fixture.protocol, registry });
}

const COLON_HEX = /^(?:[0-9a-f]{2}:)*[0-9a-f]{2}$/;

/** Does our attribute carry the value pyroute2 read? Numbers by value, text exactly, bytes as hex. */
function sameValue(name: string, ref: number | string, ours: DecodedAttr): boolean {
  const named = REF_NAMED_VALUES[name];
  const want = typeof ref === 'string' && named && ref in named ? named[ref]! : ref;
  if (typeof want === 'number') {
    return ours.value !== undefined && typeof ours.value !== 'boolean' && Number(ours.value) === want;
  }
  if (ours.value === want || ours.valueName === want) return true;
  // pyroute2 shows binary payloads as "aa:bb:..", we as "aabb..": same bytes, different spelling.
  return COLON_HEX.test(want) && typeof ours.value === 'string' && ours.value.toLowerCase() === want.replace(/:/g, '');
}

/** `known`: our decoder has the family's definition, so names and values must match too. */
function checkAttrs(where: string, ours: readonly DecodedAttr[], ref: readonly RefAttr[], known: boolean): void {
  assert.deepEqual(
    ours.map((a) => a.type),
    ref.map((r) => r[2]),
    `${where}: attribute types in order (ours vs pyroute2)`,
  );
  ref.forEach(([name, value, type, offset, length], i) => {
    const a = ours[i]!;
    const at = `${where} attr #${i} (type ${type}, pyroute2 ${name})`;
    assert.equal(a.offset, offset, `${at}: offset`);
    assert.equal(a.length, length, `${at}: nla_len`);
    if (known && name !== 'UNKNOWN') assert.equal(a.name, name, `${at}: name`);
    if (known && value !== null) {
      assert.ok(
        sameValue(name, value, a),
        `${at}: value, pyroute2 ${JSON.stringify(value)}, ours value ${JSON.stringify(a.value)} valueName ${JSON.stringify(a.valueName)}`,
      );
    }
  });
}

/** Ext-ack TLVs as pyroute2 read them → the fields of our DecodedError. */
function checkExtAck(where: string, ours: DecodedMessage, ext: readonly RefAttr[]): void {
  const err = ours.error!;
  for (const [name, value] of ext) {
    switch (name) {
      case 'NLMSGERR_ATTR_MSG':
        assert.equal(err.message, value, `${where}: ext-ack message`);
        break;
      case 'NLMSGERR_ATTR_OFFS':
        assert.equal(err.offset, value, `${where}: ext-ack offset`);
        break;
      case 'NLMSGERR_ATTR_MISS_TYPE':
        assert.equal(err.missType, value, `${where}: ext-ack missing type`);
        break;
      case 'NLMSGERR_ATTR_MISS_NEST':
        assert.equal(err.missNest, value, `${where}: ext-ack missing nest`);
        break;
      case 'NLMSGERR_ATTR_COOKIE':
        assert.equal(err.cookie, String(value).replace(/:/g, ''), `${where}: ext-ack cookie`);
        break;
      case 'NLMSGERR_ATTR_POLICY':
        assert.ok(err.policy && err.policy.length > 0, `${where}: ext-ack policy decoded`);
        break;
      default:
        assert.fail(`${where}: pyroute2 saw ext-ack TLV ${name} the test does not map`);
    }
  }
  // Nothing beyond what the kernel sent: a TLV we invent would show up here.
  const sent = new Set(ext.map((e) => e[0]));
  if (!sent.has('NLMSGERR_ATTR_MSG')) assert.equal(err.message, undefined, `${where}: no ext-ack message sent`);
  if (!sent.has('NLMSGERR_ATTR_OFFS')) assert.equal(err.offset, undefined, `${where}: no ext-ack offset sent`);
  if (!sent.has('NLMSGERR_ATTR_MISS_TYPE')) assert.equal(err.missType, undefined, `${where}: no missing type sent`);
}

function checkMessage(where: string, fixture: Fixture, ours: DecodedMessage, ref: RefMessage): void {
  assert.equal(ours.offset, ref.offset, `${where}: offset`);
  assert.equal(ours.length, ref.length, `${where}: nlmsg_len`);
  assert.equal(ours.type, ref.type, `${where}: nlmsg_type`);
  assert.equal(ours.flags, ref.flags, `${where}: nlmsg_flags`);
  assert.equal(ours.seq, ref.seq, `${where}: nlmsg_seq`);
  assert.equal(ours.pid, ref.pid, `${where}: nlmsg_pid`);
  if (ref.event) assert.equal(ours.typeName, ref.event, `${where}: type name`);
  assert.deepEqual(
    ours.problems.map((p) => p.offset),
    EXPECTED_PROBLEMS[fixture.name] ?? [],
    `${where}: problems ${JSON.stringify(ours.problems)}`,
  );

  const fieldMap = HEADER_FIELDS[ref.class];
  if (fieldMap && knowsFamily(fixture)) {
    assert.ok(ours.header, `${where}: fixed header (${ref.class}) decoded`);
    for (const [refField, ourField] of Object.entries(fieldMap)) {
      assert.equal(
        Number(ours.header[ourField]),
        ref.fields[refField],
        `${where}: header ${ourField} (pyroute2 ${refField})`,
      );
    }
  }

  if (ref.error) {
    assert.ok(ours.error, `${where}: error decoded`);
    assert.equal(ours.error.code, ref.error.code, `${where}: error code`);
    checkExtAck(where, ours, ref.error.extAck ?? []);
    const echo = ref.error.echo;
    if (echo) {
      const req = ours.error.request;
      assert.ok(req, `${where}: echoed request decoded`);
      assert.equal(req.length, echo.length, `${where}: echoed nlmsg_len`);
      assert.equal(req.type, echo.type, `${where}: echoed nlmsg_type`);
      assert.equal(req.flags, echo.flags, `${where}: echoed nlmsg_flags`);
      assert.equal(req.seq, echo.seq, `${where}: echoed nlmsg_seq`);
      assert.equal(req.pid, echo.pid, `${where}: echoed nlmsg_pid`);
      if (echo.attrs) checkAttrs(`${where} echoed request`, req.attrs, echo.attrs, knowsFamily(fixture));
    }
    return;
  }
  if (knowsFamily(fixture)) checkAttrs(where, ours.attrs, ref.attrs, true);
  // A family we have no definition of: its attributes may stay undecoded, but what is shown must be right.
  else if (ours.attrs.length > 0) checkAttrs(where, ours.attrs, ref.attrs, false);
  else assert.ok(ours.payloadHex, `${where}: undecoded payload shown as hex`);
}

const names = fixtureNames();

test('fixtures and references are present', () => {
  assert.ok(names.length >= 15, `expected the captured fixtures, found ${names.length}`);
  for (const name of names) assert.equal(loadReference(name).protocol, loadFixture(name).protocol, name);
});

for (const name of names) {
  test(`crosscheck ${name}`, () => {
    const fixture = loadFixture(name);
    const ref = loadReference(name);
    assert.equal(ref.buffers.length, fixture.buffers.length, `${name}: buffer count`);
    fixture.buffers.forEach((bytes, b) => {
      const ours = decodeFixtureBuffer(fixture, bytes);
      const refMsgs = ref.buffers[b]!;
      assert.equal(ours.length, refMsgs.length, `${name} buffer ${b}: message count`);
      refMsgs.forEach((r, i) => checkMessage(`${name} buffer ${b} message ${i}`, fixture, ours[i]!, r));
    });
  });
}
