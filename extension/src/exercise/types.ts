// An exercise: a scripted exchange with a netlink protocol (usually a module under development), step by step,
// each step one datagram sent and an expectation about what comes back. Parsed from YAML (parse.ts), run
// through any Exchanger (runner.ts).
import type { FamilyDef } from '../netlink/index';
import type { Place } from './yamlTree';

/** `${portid}` (the sending socket's port id) and `${seq}` (the sent message's sequence number). */
export type Variable = 'portid' | 'seq';

export type NumberMatch = { readonly value: number } | { readonly variable: Variable };

/** Text with `${...}` variables, matched exactly, or a /regex/ (variables inside are substituted, escaped). */
export interface TextMatch {
  readonly regex: boolean;
  /** Literal pieces and variables, in order. */
  readonly parts: readonly (string | { readonly variable: Variable })[];
  readonly flags: string;
  readonly written: string;
}

export type SendAttrValue =
  | {
      readonly kind: 'scalar';
      readonly scalar: 'u8' | 'u16' | 'u32' | 'u64' | 's8' | 's16' | 's32' | 's64';
      readonly value: bigint;
    }
  | { readonly kind: 'string'; readonly text: string }
  | { readonly kind: 'bytes'; readonly bytes: Uint8Array }
  | { readonly kind: 'flag' }
  | { readonly kind: 'nest'; readonly attrs: readonly SendAttr[] };

export interface SendAttr {
  readonly type: number;
  readonly netByteOrder: boolean;
  readonly value: SendAttrValue;
}

export type SendPayload =
  | { readonly kind: 'none' }
  /** NUL-terminated unless `nul: false`; may hold variables. */
  | { readonly kind: 'text'; readonly text: TextMatch; readonly nul: boolean }
  | { readonly kind: 'bytes'; readonly bytes: Uint8Array }
  | { readonly kind: 'attrs'; readonly attrs: readonly SendAttr[] };

export type SendSpec =
  /** The whole datagram, sent unchanged. */
  | { readonly kind: 'raw'; readonly bytes: Uint8Array }
  | {
      readonly kind: 'fields';
      readonly type: number;
      readonly flags: number;
      readonly seq: number;
      readonly pid: NumberMatch;
      /** Fixed header bytes between nlmsghdr and the payload (genlmsghdr, ifinfomsg...). */
      readonly header: Uint8Array;
      /**
       * A generic netlink family's name (`cmd:` given, the exercise's spec a genl family): nlmsg_type is that
       * family's id, resolved by name on the target when the step runs; `type` is not used then.
       */
      readonly genlFamily?: string;
      readonly payload: SendPayload;
    };

export type AttrExpect =
  | { readonly kind: 'present' }
  | { readonly kind: 'number'; readonly value: number }
  | { readonly kind: 'text'; readonly text: TextMatch };

export interface ReplyMatch {
  readonly type?: number;
  readonly typeWritten?: string;
  readonly flags?: number;
  readonly seq?: NumberMatch;
  readonly pid?: NumberMatch;
  readonly text?: TextMatch;
  /** Attribute paths ("IFLA_IFNAME", "IFLA_LINKINFO.IFLA_INFO_KIND", "3") and what they must hold. */
  readonly attrs?: ReadonlyMap<string, AttrExpect>;
  /** An error or ack message with this errno (0 = ack). */
  readonly errno?: number;
}

export type Expectation =
  | { readonly kind: 'nothing' }
  /** An NLMSG_ERROR with error 0 among the replies, and no error. */
  | { readonly kind: 'ack' }
  | {
      readonly kind: 'error';
      readonly errno: number;
      readonly message?: TextMatch;
      /**
       * The attribute the ext-ack names: the path of the attribute its offset points at (NLMSGERR_ATTR_OFFS), or
       * the name of the attribute it says is missing (NLMSGERR_ATTR_MISS_TYPE), as the decoder names them.
       */
      readonly attr?: string;
    }
  /** `count` replies (default 1), each matching. */
  | { readonly kind: 'reply'; readonly count: number; readonly match: ReplyMatch }
  /** Exactly these replies, in order. */
  | { readonly kind: 'replies'; readonly matches: readonly ReplyMatch[] };

export interface ExerciseStep extends Place {
  readonly index: number;
  readonly name: string;
  readonly send: SendSpec;
  readonly expect: Expectation;
  readonly timeoutMs: number;
}

export interface Exercise {
  readonly name: string;
  readonly source: string;
  readonly protocol: number;
  /** Family loaded from the exercise's `spec:` (decodes and names the module's messages). */
  readonly family?: FamilyDef;
  readonly steps: readonly ExerciseStep[];
}

export interface ExerciseProblem extends Place {
  readonly message: string;
  /** The step the problem is in, when it is in one (0-based). */
  readonly step?: number;
}
