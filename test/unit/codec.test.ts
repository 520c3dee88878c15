import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  concatBytes,
  createRegistry,
  decodeMessages,
  encodeAttrs,
  encodeMessage,
  encodeScalar,
  errnoName,
  flagNames,
} from '../../extension/src/netlink/index';
import type { DecodedAttr, DecodedMessage } from '../../extension/src/netlink/index';
import { ifinfomsg, nest, nlError, rtm, str, u32 } from './codec-build';

const route = (b: Uint8Array): DecodedMessage[] => decodeMessages(b, { protocol: 0 });
const attr = (attrs: readonly DecodedAttr[], name: string): DecodedAttr => {
  const a = attrs.find((x) => x.name === name);
  assert.ok(a, `attribute ${name} in ${attrs.map((x) => x.name).join(',')}`);
  return a;
};

describe('nlmsghdr', () => {
  it('decodes a dump request with flags named for a GET', () => {
    const [m] = route(rtm(18, 0x301, 7, ifinfomsg()));
    assert.equal(m!.typeName, 'RTM_GETLINK');
    assert.deepEqual(m!.flagNames, ['NLM_F_REQUEST', 'NLM_F_DUMP']);
    assert.equal(m!.seq, 7);
    assert.equal(m!.length, 32);
    assert.equal(m!.header!['ifi_family'], 0);
    assert.deepEqual(m!.problems, []);
  });

  it('names the same bits by message kind', () => {
    assert.deepEqual(flagNames(0x605, 'new'), ['NLM_F_REQUEST', 'NLM_F_ACK', 'NLM_F_EXCL', 'NLM_F_CREATE']);
    assert.deepEqual(flagNames(0x105, 'del'), ['NLM_F_REQUEST', 'NLM_F_ACK', 'NLM_F_NONREC']);
    assert.deepEqual(flagNames(0x300, 'ack'), ['NLM_F_CAPPED', 'NLM_F_ACK_TLVS']);
    assert.deepEqual(flagNames(0x101, 'get'), ['NLM_F_REQUEST', 'NLM_F_ROOT']);
    assert.deepEqual(flagNames(0x1001, 'get'), ['NLM_F_REQUEST', '0x1000']);
    const [m] = route(rtm(16, 0x605, 1, ifinfomsg()));
    assert.deepEqual(m!.flagNames, ['NLM_F_REQUEST', 'NLM_F_ACK', 'NLM_F_EXCL', 'NLM_F_CREATE']);
  });

  it('walks several messages and honours 4-byte alignment of odd lengths', () => {
    const a = rtm(16, 2, 1, concatBytes([ifinfomsg(1), encodeAttrs([str(3, 'lo')])])); // IFLA_IFNAME "lo\0" → 7 bytes + pad
    const done = encodeMessage({ type: 3, flags: 2, seq: 1, pid: 0 }, encodeScalar('s32', 0));
    const ms = route(concatBytes([a, done]));
    assert.equal(ms.length, 2);
    assert.equal(attr(ms[0]!.attrs, 'IFLA_IFNAME').value, 'lo');
    assert.equal(ms[1]!.typeName, 'NLMSG_DONE');
    assert.equal(ms[1]!.offset, a.length);
    assert.deepEqual(ms[1]!.error, { code: 0, name: 'OK' });
  });
});

describe('attributes', () => {
  it('types values: MAC, IPv4/IPv6 by length, u64 as decimal string, enums', () => {
    const link = rtm(
      16,
      2,
      1,
      concatBytes([
        ifinfomsg(2),
        encodeAttrs([
          { type: 1, payload: Uint8Array.from([0x52, 0x54, 0, 0x12, 0x34, 0x56]) },
          { type: 16, payload: encodeScalar('u8', 6) },
          { type: 23, payload: concatBytes([encodeScalar('u64', 2n ** 60n), new Uint8Array(8 * 24)]) },
        ]),
      ]),
    );
    const [m] = route(link);
    assert.equal(attr(m!.attrs, 'IFLA_ADDRESS').valueName, '52:54:00:12:34:56');
    assert.equal(attr(m!.attrs, 'IFLA_OPERSTATE').valueName, 'IF_OPER_UP');
    assert.equal(attr(m!.attrs, 'IFLA_STATS64').fields!['rx_packets'], String(2n ** 60n));
    const addr = rtm(
      20,
      2,
      1,
      concatBytes([
        new Uint8Array([10, 64, 0, 0, 1, 0, 0, 0]),
        encodeAttrs([
          { type: 1, payload: Uint8Array.from([0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]) },
          { type: 2, payload: Uint8Array.from([127, 0, 0, 1]) },
        ]),
      ]),
    );
    const [a] = route(addr);
    assert.equal(attr(a!.attrs, 'IFA_ADDRESS').valueName, '2001:db8::1');
    assert.equal(attr(a!.attrs, 'IFA_LOCAL').valueName, '127.0.0.1');
    assert.equal(a!.header!['ifa_familyName'], 'AF_INET6');
  });

  it('reads NLA_F_NET_BYTEORDER values big-endian and keeps the flag', () => {
    const m = route(
      rtm(
        24,
        2,
        1,
        concatBytes([
          new Uint8Array(12),
          encodeAttrs([{ type: 4, payload: encodeScalar('u32', 5, true), netByteOrder: true }]),
        ]),
      ),
    )[0]!;
    const oif = attr(m.attrs, 'RTA_OIF');
    assert.equal(oif.value, 5);
    assert.equal(oif.netByteOrder, true);
  });

  it('nests from the definition even without NLA_F_NESTED, and from the flag without a definition', () => {
    const inner = encodeAttrs([str(1, 'veth')]);
    const linkinfoNoFlag = { type: 18, payload: inner };
    const unknownNested = { type: 300, attrs: [u32(1, 9)] };
    const [m] = route(rtm(16, 2, 1, concatBytes([ifinfomsg(), encodeAttrs([linkinfoNoFlag, unknownNested])])));
    const li = attr(m!.attrs, 'IFLA_LINKINFO');
    assert.equal(li.nested, false);
    assert.equal(attr(li.attrs!, 'IFLA_INFO_KIND').value, 'veth');
    const unk = attr(m!.attrs, 'link-attrs[300]');
    assert.equal(unk.nested, true);
    assert.equal(unk.attrs![0]!.value, '09000000');
  });

  it('shows unknown types as hex and lists a problem for a wrong-size scalar', () => {
    const [m] = route(
      rtm(
        16,
        2,
        1,
        concatBytes([
          ifinfomsg(),
          encodeAttrs([
            { type: 4, payload: new Uint8Array([1, 2]) },
            { type: 999, payload: new Uint8Array([0xab]) },
          ]),
        ]),
      ),
    );
    assert.equal(attr(m!.attrs, 'IFLA_MTU').value, '0102');
    assert.match(m!.problems[0]!.message, /IFLA_MTU: u32 needs 4 bytes, payload has 2/);
    assert.equal(attr(m!.attrs, 'link-attrs[999]').value, 'ab');
  });
});

describe('errors and extended ack', () => {
  const request = rtm(
    16,
    0x605,
    9,
    concatBytes([ifinfomsg(), encodeAttrs([str(3, 'x0'), nest(18, [str(1, 'nosuchkind')])])]),
  );

  it('resolves NLMSGERR_ATTR_OFFS to the attribute path in the echoed request', () => {
    // IFLA_INFO_KIND sits at 16 (hdr) + 16 (ifinfomsg) + 8 (IFLA_IFNAME) + 4 (IFLA_LINKINFO hdr) = 44
    const e = nlError(95, request, { tlvs: [str(1, 'Unknown device type'), u32(2, 44)] });
    const [m] = route(e);
    assert.equal(m!.typeName, 'NLMSG_ERROR');
    assert.deepEqual(m!.flagNames, ['NLM_F_ACK_TLVS']);
    assert.equal(m!.error!.code, -95);
    assert.equal(m!.error!.name, 'EOPNOTSUPP');
    assert.equal(m!.error!.message, 'Unknown device type');
    assert.equal(m!.error!.offset, 44);
    assert.equal(m!.error!.attrPath, 'IFLA_LINKINFO.IFLA_INFO_KIND');
    assert.equal(m!.error!.request!.typeName, 'RTM_NEWLINK');
    assert.deepEqual(m!.error!.request!.flagNames, ['NLM_F_REQUEST', 'NLM_F_ACK', 'NLM_F_EXCL', 'NLM_F_CREATE']);
    assert.deepEqual(m!.problems, []);
  });

  it('names a field of the fixed header the offset points into', () => {
    const e = nlError(22, request, { tlvs: [u32(2, 20)] });
    assert.equal(route(e)[0]!.error!.attrPath, 'ifinfomsg.ifi_index');
  });

  it('keeps only the header of a capped request and names MISS_TYPE inside MISS_NEST', () => {
    const capped = route(nlError(22, request, { capped: true, tlvs: [u32(5, 1), u32(6, 40)] }))[0]!;
    assert.deepEqual(capped.flagNames, ['NLM_F_CAPPED', 'NLM_F_ACK_TLVS']);
    assert.equal(capped.error!.request!.attrs.length, 0);
    assert.equal(capped.error!.request!.length, request.length - 0); // nlmsg_len as the request had it
    assert.equal(capped.error!.missType, 1);
    assert.equal(capped.error!.missNest, 40);
    assert.deepEqual(capped.problems, []);
    const uncapped = route(nlError(22, request, { tlvs: [u32(5, 1), u32(6, 40)] }))[0]!;
    assert.equal(uncapped.error!.missTypeName, 'IFLA_INFO_KIND');
  });

  it('reads cookie and policy TLVs', () => {
    const e = route(
      nlError(34, request, {
        capped: true,
        tlvs: [
          { type: 3, payload: Uint8Array.from([1, 2, 3, 4]) },
          nest(4, [u32(1, 4), { type: 5, payload: encodeScalar('u64', 100) }]),
        ],
      }),
    )[0]!;
    assert.equal(e.error!.name, 'ERANGE');
    assert.equal(e.error!.cookie, '01020304');
    assert.equal(attr(e.error!.policy!, 'NL_POLICY_TYPE_ATTR_TYPE').valueName, 'NL_ATTR_TYPE_U32');
    assert.equal(attr(e.error!.policy!, 'NL_POLICY_TYPE_ATTR_MAX_VALUE_U').value, '100');
  });

  it('decodes an ack (error 0) and NLMSG_DONE carrying an ext-ack message', () => {
    const ack = route(nlError(0, request, { capped: true }))[0]!;
    assert.equal(ack.error!.name, 'ACK');
    const done = encodeMessage(
      { type: 3, flags: 0x202, seq: 1, pid: 0 },
      concatBytes([encodeScalar('s32', -22), encodeAttrs([str(1, 'Invalid header for address dump request')])]),
    );
    const [d] = route(done);
    assert.deepEqual(d!.flagNames, ['NLM_F_MULTI', 'NLM_F_ACK_TLVS']);
    assert.equal(d!.error!.name, 'EINVAL');
    assert.equal(d!.error!.message, 'Invalid header for address dump request');
  });

  it('names errnos', () => {
    assert.equal(errnoName(-2), 'ENOENT');
    assert.equal(errnoName(-22), 'EINVAL');
    assert.equal(errnoName(-524), 'ENOTSUPP');
    assert.equal(errnoName(-4000), 'E4000');
  });
});

describe('generic netlink', () => {
  it('binds a family id from CTRL_CMD_NEWFAMILY for the rest of the buffer', () => {
    const genl = (cmd: number): Uint8Array => Uint8Array.from([cmd, 1, 0, 0]);
    const newFamily = encodeMessage(
      { type: 0x10, flags: 0, seq: 1, pid: 0 },
      concatBytes([
        genl(1),
        encodeAttrs([
          { type: 1, payload: encodeScalar('u16', 27) },
          str(2, 'netdev'),
          { type: 7, attrs: [{ type: 1, attrs: [str(1, 'mgmt'), u32(2, 3)] }] },
        ]),
      ]),
    );
    const later = encodeMessage({ type: 27, flags: 1, seq: 2, pid: 0 }, genl(1));
    const [f, l] = decodeMessages(concatBytes([newFamily, later]), { protocol: 16 });
    assert.equal(f!.typeName, 'nlctrl');
    assert.equal(f!.command, 'CTRL_CMD_NEWFAMILY');
    const groups = attr(f!.attrs, 'CTRL_ATTR_MCAST_GROUPS');
    assert.equal(attr(attr(groups.attrs!, '[1]').attrs!, 'CTRL_ATTR_MCAST_GRP_NAME').value, 'mgmt');
    assert.equal(l!.typeName, 'netdev');
    // The caller's registry is not changed by what one buffer said.
    const reg = createRegistry();
    decodeMessages(concatBytes([newFamily, later]), { protocol: 16, registry: reg });
    assert.equal(reg.genlNameOf(27), undefined);
  });
});

describe('malformed input never throws', () => {
  it('reports nlmsg_len below 16 and stops', () => {
    const b = rtm(18, 1, 1, new Uint8Array(16));
    new DataView(b.buffer).setUint32(0, 8, true);
    const ms = route(b);
    assert.equal(ms.length, 1);
    assert.match(ms[0]!.problems[0]!.message, /nlmsg_len 8 is less than the 16-byte header/);
  });

  it('reports a message running past the end and decodes what is there', () => {
    const b = rtm(16, 2, 1, concatBytes([ifinfomsg(1), encodeAttrs([str(3, 'eth0')])]));
    const cut = b.subarray(0, b.length - 4);
    const [m] = route(cut);
    assert.match(m!.problems.map((p) => p.message).join('\n'), /runs past the end/);
    assert.equal(m!.header!['ifi_index'], 1);
  });

  it('reports an attribute overflowing its container with its offset', () => {
    const b = rtm(16, 2, 1, concatBytes([ifinfomsg(1), Uint8Array.from([0x40, 0, 3, 0, 0x41, 0x42, 0, 0])]));
    const [m] = route(b);
    assert.deepEqual(m!.problems, [
      { offset: 32, message: 'attribute type 3 claims 64 bytes but only 8 remain in its container' },
    ]);
  });

  it('stops following nests past the depth limit', () => {
    let deep = [u32(1, 1)];
    for (let i = 0; i < 40; i++) deep = [{ type: 300, attrs: deep }];
    const [m] = route(rtm(16, 2, 1, concatBytes([ifinfomsg(), encodeAttrs(deep)])));
    assert.ok(m!.problems.some((p) => /nesting deeper than 16 levels/.test(p.message)));
  });

  it('reports trailing bytes too short for a header', () => {
    const ms = route(concatBytes([rtm(18, 1, 1, ifinfomsg()), Uint8Array.from([1, 2, 3])]));
    assert.equal(ms.length, 2);
    assert.match(ms[1]!.problems[0]!.message, /3 trailing bytes, too few for a 16-byte nlmsghdr/);
  });
});
