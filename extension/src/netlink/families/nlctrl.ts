// NETLINK_GENERIC's controller family nlctrl (id 0x10, uapi genetlink.h): commands, CTRL_ATTR_* with ops,
// multicast groups and policies (NL_POLICY_TYPE_ATTR_*, also used by the ext-ack NLMSGERR_ATTR_POLICY nest).
import { attrSet, enumDef, family, kindFromName, message, struct } from '../define';
import { CTRL_ATTR_FAMILY_ID, CTRL_ATTR_FAMILY_NAME, NETLINK_GENERIC } from '../constants';
import type { FamilyDef } from '../types';

/** The generic netlink header every genl message carries after nlmsghdr. */
export const genlmsghdr = struct('genlmsghdr', [
  { name: 'cmd', kind: 'u8' },
  { name: 'version', kind: 'u8' },
  { name: 'reserved', kind: 'u16' },
]);

/** The uapi enum in order: a command's number is its index. */
const COMMANDS = [
  'CTRL_CMD_UNSPEC',
  'CTRL_CMD_NEWFAMILY',
  'CTRL_CMD_DELFAMILY',
  'CTRL_CMD_GETFAMILY',
  'CTRL_CMD_NEWOPS',
  'CTRL_CMD_DELOPS',
  'CTRL_CMD_GETOPS',
  'CTRL_CMD_NEWMCAST_GRP',
  'CTRL_CMD_DELMCAST_GRP',
  'CTRL_CMD_GETMCAST_GRP',
  'CTRL_CMD_GETPOLICY',
];

const ctrlAttrs = attrSet('ctrl-attrs', {
  [CTRL_ATTR_FAMILY_ID]: ['CTRL_ATTR_FAMILY_ID', 'u16'],
  [CTRL_ATTR_FAMILY_NAME]: ['CTRL_ATTR_FAMILY_NAME', 'string'],
  3: ['CTRL_ATTR_VERSION', 'u32'],
  4: ['CTRL_ATTR_HDRSIZE', 'u32'],
  5: ['CTRL_ATTR_MAXATTR', 'u32'],
  6: ['CTRL_ATTR_OPS', 'indexed-array', { nested: 'op-attrs' }],
  7: ['CTRL_ATTR_MCAST_GROUPS', 'indexed-array', { nested: 'mcast-group-attrs' }],
  // [policy index] → [attribute type] → policy attributes: an indexed array of indexed arrays
  8: ['CTRL_ATTR_POLICY', 'indexed-array', { nested: 'policy-attrs', subType: 'indexed-array' }],
  9: ['CTRL_ATTR_OP_POLICY', 'indexed-array', { nested: 'op-policy-attrs' }],
  10: ['CTRL_ATTR_OP', 'u32'],
});

const opAttrs = attrSet('op-attrs', {
  1: ['CTRL_ATTR_OP_ID', 'u32'],
  2: ['CTRL_ATTR_OP_FLAGS', 'u32', { enumName: 'genl-op-flags' }],
});

const mcastGroupAttrs = attrSet('mcast-group-attrs', {
  1: ['CTRL_ATTR_MCAST_GRP_NAME', 'string'],
  2: ['CTRL_ATTR_MCAST_GRP_ID', 'u32'],
});

const opPolicyAttrs = attrSet('op-policy-attrs', {
  1: ['CTRL_ATTR_POLICY_DO', 'u32'],
  2: ['CTRL_ATTR_POLICY_DUMP', 'u32'],
});

export const policyAttrs = attrSet('policy-attrs', {
  1: ['NL_POLICY_TYPE_ATTR_TYPE', 'u32', { enumName: 'netlink-attribute-type' }],
  2: ['NL_POLICY_TYPE_ATTR_MIN_VALUE_S', 's64'],
  3: ['NL_POLICY_TYPE_ATTR_MAX_VALUE_S', 's64'],
  4: ['NL_POLICY_TYPE_ATTR_MIN_VALUE_U', 'u64'],
  5: ['NL_POLICY_TYPE_ATTR_MAX_VALUE_U', 'u64'],
  6: ['NL_POLICY_TYPE_ATTR_MIN_LENGTH', 'u32'],
  7: ['NL_POLICY_TYPE_ATTR_MAX_LENGTH', 'u32'],
  8: ['NL_POLICY_TYPE_ATTR_POLICY_IDX', 'u32'],
  9: ['NL_POLICY_TYPE_ATTR_POLICY_MAXTYPE', 'u32'],
  10: ['NL_POLICY_TYPE_ATTR_BITFIELD32_MASK', 'u32', { display: 'hex' }],
  11: ['NL_POLICY_TYPE_ATTR_PAD', 'binary'],
  12: ['NL_POLICY_TYPE_ATTR_MASK', 'u64', { display: 'hex' }],
});

const genlOpFlags = enumDef(
  'genl-op-flags',
  {
    0x1: 'GENL_ADMIN_PERM',
    0x2: 'GENL_CMD_CAP_DO',
    0x4: 'GENL_CMD_CAP_DUMP',
    0x8: 'GENL_CMD_CAP_HASPOL',
    0x10: 'GENL_UNS_ADMIN_PERM',
  },
  true,
);

/** NL_ATTR_TYPE_* (uapi netlink.h): the policy types CTRL_CMD_GETPOLICY reports. */
export const netlinkAttributeType = enumDef('netlink-attribute-type', {
  0: 'NL_ATTR_TYPE_INVALID',
  1: 'NL_ATTR_TYPE_FLAG',
  2: 'NL_ATTR_TYPE_U8',
  3: 'NL_ATTR_TYPE_U16',
  4: 'NL_ATTR_TYPE_U32',
  5: 'NL_ATTR_TYPE_U64',
  6: 'NL_ATTR_TYPE_S8',
  7: 'NL_ATTR_TYPE_S16',
  8: 'NL_ATTR_TYPE_S32',
  9: 'NL_ATTR_TYPE_S64',
  10: 'NL_ATTR_TYPE_BINARY',
  11: 'NL_ATTR_TYPE_STRING',
  12: 'NL_ATTR_TYPE_NUL_STRING',
  13: 'NL_ATTR_TYPE_NESTED',
  14: 'NL_ATTR_TYPE_NESTED_ARRAY',
  15: 'NL_ATTR_TYPE_BITFIELD32',
  16: 'NL_ATTR_TYPE_SINT',
  17: 'NL_ATTR_TYPE_UINT',
});

export const nlctrlFamily: FamilyDef = family({
  name: 'nlctrl',
  protocol: NETLINK_GENERIC,
  genl: true,
  messages: COMMANDS.map((name, cmd) => message(cmd, name, kindFromName(name), undefined, 'ctrl-attrs')),
  attrSets: [ctrlAttrs, opAttrs, mcastGroupAttrs, opPolicyAttrs, policyAttrs],
  structs: [genlmsghdr],
  enums: [genlOpFlags, netlinkAttributeType],
  mcastGroups: ['notify'],
});
