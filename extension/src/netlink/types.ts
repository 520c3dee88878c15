// The codec's data model: how families are described (definitions) and what decoding returns (results).
// Pure types, shared by the built-in families, the YNL spec loader, the decoder and every renderer.

/** How an attribute's payload is read. */
export type AttrKind =
  | 'unspec' // no definition: shown as hex
  | 'u8'
  | 'u16'
  | 'u32'
  | 'u64'
  | 's8'
  | 's16'
  | 's32'
  | 's64'
  | 'uint'
  | 'sint' // variable width (4 or 8 bytes), YNL "uint"/"sint"
  | 'string' // NUL-terminated or not; trailing NULs dropped
  | 'binary'
  | 'flag' // zero-length presence flag
  | 'bitfield32' // struct nla_bitfield32 { u32 value; u32 selector; }
  | 'nest' // payload is attributes of `nested`
  | 'indexed-array' // payload is attributes whose types are indices, each holding `nested` (or a scalar `subType`)
  | 'sub-message' // payload format chosen by the value of a sibling attribute (`selector`)
  | 'struct'; // payload is the struct named by `struct`

/** How a scalar or binary value is shown once read. */
export type AttrDisplay = 'dec' | 'hex' | 'ipv4' | 'ipv6' | 'ip' | 'mac' | 'uuid';

export interface AttrDef {
  readonly name: string;
  readonly kind: AttrKind;
  /** Attribute set of a `nest` / `indexed-array` payload. */
  readonly nested?: string;
  /** Scalar type of `indexed-array` entries when they are not nests. */
  readonly subType?: AttrKind;
  /** Values are big-endian even without NLA_F_NET_BYTEORDER. */
  readonly bigEndian?: boolean;
  readonly display?: AttrDisplay;
  /** Enum or flags definition naming the value. */
  readonly enumName?: string;
  /** Struct definition for `struct` kind, or for a binary that YNL says holds a struct. */
  readonly struct?: string;
  /** For `sub-message`: the sub-message table and the sibling attribute whose value selects the format. */
  readonly subMessage?: string;
  readonly selector?: string;
  readonly multiAttr?: boolean;
  /** The spec's `checks`: what the kernel's policy is said to enforce. */
  readonly checks?: AttrChecks;
}

/** YNL `checks`, as decimal strings (u64 limits do not fit a number). */
export interface AttrChecks {
  readonly min?: string;
  readonly max?: string;
  readonly minLen?: string;
  readonly maxLen?: string;
  readonly exactLen?: string;
  /** Flag bits the policy allows (NLA_POLICY_MASK, NLA_POLICY_BITFIELD32's valid bits); bits outside are refused. */
  readonly mask?: string;
  /**
   * The definition the limits or the mask come from when the spec's `checks` do not write them: the attribute's
   * `enum` (its range, or its flags' mask) or `checks.flags-mask`. Kept to name the allowed values in messages.
   */
  readonly enum?: string;
}

/** Attributes by type number, with the set's name used in paths. */
export interface AttrSetDef {
  readonly name: string;
  readonly byType: ReadonlyMap<number, AttrDef>;
}

export type ScalarKind = 'u8' | 'u16' | 'u32' | 'u64' | 's8' | 's16' | 's32' | 's64';

export interface StructFieldDef {
  readonly name: string;
  /** Scalars, or `pad` / `binary` with `length` bytes. */
  readonly kind: ScalarKind | 'pad' | 'binary' | 'string';
  readonly length?: number;
  readonly bigEndian?: boolean;
  readonly display?: AttrDisplay;
  readonly enumName?: string;
}

export interface StructDef {
  readonly name: string;
  readonly fields: readonly StructFieldDef[];
}

export interface EnumDef {
  readonly name: string;
  /** `flags`: each entry is a bit mask; `enum`: each entry is a value. */
  readonly flags: boolean;
  readonly entries: ReadonlyMap<number, string>;
}

/** One variant of a sub-message: the fixed header and attribute set used when the selector has `value`. */
export interface SubMessageVariant {
  readonly value: string;
  readonly struct?: string;
  readonly attrSet?: string;
}

export interface SubMessageDef {
  readonly name: string;
  readonly variants: ReadonlyMap<string, SubMessageVariant>;
}

/** Which flag table applies to a request (netlink-facts.md: same bits, different meaning). */
export type MessageKind = 'new' | 'del' | 'get' | 'other';

export interface MessageDef {
  /** nlmsg_type for classic families, the genlmsghdr cmd for generic netlink ones. */
  readonly value: number;
  readonly name: string;
  readonly kind: MessageKind;
  /** Fixed header struct after nlmsghdr (after genlmsghdr for generic families). */
  readonly header?: string;
  /** Attribute set of the payload after the fixed header; absent means no attributes. */
  readonly attrSet?: string;
  /** Payload is text (a module's own protocol): shown as a string, not attributes. */
  readonly textPayload?: boolean;
  /** Separate request/reply layouts where a spec gives them (replies use `reply*` when present). */
  readonly replyHeader?: string;
  readonly replyAttrSet?: string;
  /** Name of the message when the kernel sends this number (directional specs reuse numbers across ops). */
  readonly replyName?: string;
}

/** Attributes a spec lists for an op's do / dump request, by name. */
export interface OpRequestAttrs {
  readonly do?: readonly string[];
  readonly dump?: readonly string[];
}

/** One mode (do or dump) of an operation, as the spec lists it for the request. */
export interface OpModeDef {
  /** The attributes the spec lists for this mode's request (absent: the spec lists none). */
  readonly requestAttrs?: readonly string[];
}

/** An operation a user can call: its name, the request number (cmd / nlmsg_type) and its modes. */
export interface OpDef {
  readonly name: string;
  readonly value: number;
  readonly do?: OpModeDef;
  readonly dump?: OpModeDef;
}

export interface FamilyDef {
  readonly name: string;
  /** Netlink protocol number (NETLINK_ROUTE 0, NETLINK_GENERIC 16, ...). */
  readonly protocol: number;
  /** Generic netlink family: messages are selected by genlmsghdr.cmd, not nlmsg_type. */
  readonly genl: boolean;
  /** For classic families with fixed ids; generic families get theirs bound at run time. */
  readonly messages: ReadonlyMap<number, MessageDef>;
  readonly attrSets: ReadonlyMap<string, AttrSetDef>;
  readonly structs: ReadonlyMap<string, StructDef>;
  readonly enums: ReadonlyMap<string, EnumDef>;
  readonly subMessages: ReadonlyMap<string, SubMessageDef>;
  /** Multicast groups by name (genl) or number (classic). */
  readonly mcastGroups?: readonly string[];
  /** Where the definition came from: "built-in" or a spec file path. */
  readonly source: string;
  /** Per request number (cmd / nlmsg_type), the attributes the spec lists for its requests, where it lists them. */
  readonly opRequests?: ReadonlyMap<number, OpRequestAttrs>;
  /** Operations with a do or dump, in spec order (spec families only; built-in tables have messages alone). */
  readonly operations?: readonly OpDef[];
}

// ---------------------------------------------------------------------------------------------
// Results. Field names are the CLI's `--json` schema; offsets are byte offsets in the decoded buffer.

export interface Problem {
  readonly offset: number;
  readonly message: string;
}

export type AttrValue = number | string | boolean;

export interface DecodedAttr {
  readonly type: number;
  readonly name: string;
  /** How the payload was read: the definition's kind, `unspec` when the type is unknown. */
  readonly kind: AttrKind;
  readonly offset: number;
  /** nla_len as read (header included, padding excluded). */
  readonly length: number;
  readonly nested: boolean;
  readonly netByteOrder: boolean;
  /** Scalars as numbers (64-bit as decimal strings), text as strings, binary as hex. */
  readonly value?: AttrValue;
  /** A name for the value: enum entry, flag names joined with `|`, a formatted address. */
  readonly valueName?: string;
  readonly attrs?: readonly DecodedAttr[];
  /** Fields of a struct-typed payload or a sub-message's fixed header. */
  readonly fields?: Readonly<Record<string, AttrValue>>;
}

export interface DecodedError {
  /** errno as the kernel sends it: 0 for an ack, negative for an error. */
  readonly code: number;
  /** "ENOENT", or "ACK" for 0. */
  readonly name: string;
  readonly message?: string;
  /** NLMSGERR_ATTR_OFFS: byte offset into the echoed request, counted from its header. */
  readonly offset?: number;
  /** The attribute the offset points at, e.g. "IFLA_LINKINFO.IFLA_INFO_KIND". */
  readonly attrPath?: string;
  readonly cookie?: string;
  readonly missType?: number;
  readonly missTypeName?: string;
  readonly missNest?: number;
  readonly policy?: readonly DecodedAttr[];
  /** The echoed request (header, and its payload decoded unless capped). */
  readonly request?: DecodedMessage;
}

export interface DecodedMessage {
  readonly offset: number;
  /** nlmsg_len as read. */
  readonly length: number;
  readonly type: number;
  readonly typeName: string;
  readonly flags: number;
  readonly flagNames: readonly string[];
  readonly seq: number;
  readonly pid: number;
  /** Family that decoded the payload ("rtnetlink", "nlctrl", a YNL family name). */
  readonly family?: string;
  /** genlmsghdr cmd name for generic netlink, else absent. */
  readonly command?: string;
  /** Fixed header fields by name (ifinfomsg, genlmsghdr, ...). */
  readonly header?: Readonly<Record<string, AttrValue>>;
  readonly attrs: readonly DecodedAttr[];
  /** For NLMSG_ERROR, and NLMSG_DONE carrying an error or ext-ack TLVs. */
  readonly error?: DecodedError;
  /** A text payload (module protocols), or the undecoded payload as hex. */
  readonly text?: string;
  readonly payloadHex?: string;
  readonly problems: readonly Problem[];
}
