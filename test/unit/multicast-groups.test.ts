// rtnetlink group names to numbers (the codec's RTNLGRP table, from include/uapi/linux/rtnetlink.h).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { RTNL_GROUPS, rtnlGroupNumber } from '../../extension/src/netlink/families/route-groups';

describe('RTNLGRP names', () => {
  test('the kernel numbers: LINK 1, IPV4_IFADDR 5, IPV6_IFINFO 12, NSID 28, NEXTHOP 32, STATS 36', () => {
    assert.equal(rtnlGroupNumber('RTNLGRP_LINK'), 1);
    assert.equal(rtnlGroupNumber('RTNLGRP_IPV4_IFADDR'), 5);
    assert.equal(rtnlGroupNumber('RTNLGRP_IPV6_IFINFO'), 12);
    assert.equal(rtnlGroupNumber('RTNLGRP_NSID'), 28);
    assert.equal(rtnlGroupNumber('RTNLGRP_NEXTHOP'), 32);
    assert.equal(rtnlGroupNumber('RTNLGRP_STATS'), 36);
    assert.equal(RTNL_GROUPS.length, 37);
  });
  test('without the prefix, any case; numbers as they are; NONE and unknown names are none', () => {
    assert.equal(rtnlGroupNumber('link'), 1);
    assert.equal(rtnlGroupNumber('ipv4_route'), 7);
    assert.equal(rtnlGroupNumber('RTNLGRP_DECnet_ROUTE'), 15);
    assert.equal(rtnlGroupNumber('40'), 40);
    assert.equal(rtnlGroupNumber('RTNLGRP_NONE'), undefined);
    assert.equal(rtnlGroupNumber('0'), undefined);
    assert.equal(rtnlGroupNumber('RTNLGRP_BOGUS'), undefined);
    assert.equal(rtnlGroupNumber(''), undefined);
  });
});
