import type { StraceCall } from './straceSession';

// Public result type of the hex scanner and the internal per-line model the form parsers produce.

export type HexForm =
  | 'spaced'
  | 'contiguous'
  | 'c-array'
  | 'escaped'
  | 'hexdump'
  | 'xxd'
  | 'od'
  | 'mnl'
  | 'colon'
  | 'strace'
  | 'wireshark'
  | 'le-groups';

export interface HexRun {
  readonly form: HexForm;
  readonly bytes: Uint8Array;
  /** For byte i, its source text is text.slice(byteStart[i], byteEnd[i]) (for mnl header fields: the field's printed range). */
  readonly byteStart: Uint32Array;
  readonly byteEnd: Uint32Array;
  /** Text range of the whole run. */
  readonly start: number;
  readonly end: number;
  /** The bytes are known to be cut short: by a scan limit, by strace's `"..."...` marker, or by a squeezed dump line
   *  (`*`) too long to expand. */
  readonly truncated?: boolean;
  /** For a strace buffer dump found by findHexRuns: the syscall line it belongs to. */
  readonly syscall?: StraceCall;
  /** Facts about what the text could not say, for the reader (e.g. flag bits mnl_nlmsg_fprintf does not print). */
  readonly notes?: readonly string[];
}

/**
 * Which runs a line segment may continue. Forms that look alike across lines share one family
 * (`od -An` lines are spaced hex); every dump form with an offset column continues only by offsets.
 */
export type Family = 'spaced' | 'contiguous' | 'c-array' | 'escaped' | 'colon' | 'hexdump' | 'xxd' | 'od';

/** Bytes read from text, each with the text range it is written in (text.slice(starts[i], ends[i])). */
export interface SegmentBytes {
  readonly values: number[];
  readonly starts: number[];
  readonly ends: number[];
}

/** Bytes found on one line in one form, with what the assembler needs to join it to its neighbours. */
export interface Segment extends SegmentBytes {
  readonly form: HexForm;
  readonly family: Family;
  /** Text range of the segment's syntax: opening brace, quote or 0x prefix included. */
  readonly start: number;
  readonly end: number;
  /** End of the trailing syntax that belongs to the segment on its line (commas, comments, ASCII column). */
  readonly tailEnd: number;
  /** Nothing but the segment's own trailing syntax follows it on the line, and nothing closed it (`}`, `...`). */
  readonly tailOpen: boolean;
  /** It began with `{`: it starts a run of its own and never continues the line above. */
  readonly headClosed: boolean;
  /** Digit statistics of hex tokens, for the run-level rules against words like `deadbeef` or `2024`. */
  readonly decimalDigits: number;
  readonly letterDigits: number;
  /** Contiguous hex written with a leading 0x. */
  readonly prefixed?: boolean;
  /** C list of plain decimal numbers: may continue a C array but never starts one. */
  readonly weak?: boolean;
  /** strace's `"..."...`: the string was cut by strace. */
  readonly truncated?: boolean;
  /** Offset column of dump forms (hexdump, xxd, od with -A). */
  readonly offsetDigits?: string;
  /** xxd-like lines whose groups all have this many digits (4, 8 or 16): their byte order may be a run's choice. */
  readonly groupDigits?: number;
  /** The line's ASCII column showed which way round its groups are (else its form is the default guess). */
  readonly orderShown?: boolean;
}

/** One row of mnl_nlmsg_fprintf output. Ranges are where each field is printed. */
export type MnlRow =
  | { readonly kind: 'rule' }
  | { readonly kind: 'len' | 'seq' | 'pid'; readonly value: number; readonly start: number; readonly end: number }
  | {
      readonly kind: 'type';
      readonly type: number;
      readonly typeStart: number;
      readonly typeEnd: number;
      readonly flags: number;
      readonly flagsStart: number;
      readonly flagsEnd: number;
    }
  | ({ readonly kind: 'data' } & SegmentBytes)
  | {
      readonly kind: 'attr';
      readonly len: number;
      readonly lenStart: number;
      readonly lenEnd: number;
      /** nla_type including the N/B flag bits. */
      readonly type: number;
      readonly typeStart: number;
      readonly typeEnd: number;
    };

export interface LineScan {
  /** Line range without the line break (and without a trailing \r). */
  readonly start: number;
  readonly end: number;
  readonly contentStart: number;
  readonly contentEnd: number;
  readonly segments: readonly Segment[];
  readonly mnl?: MnlRow;
  /** A `*` line of hexdump/od: the line above repeats until the next offset. */
  readonly squeeze?: boolean;
  /** The line ends with a hex number of 4 to 16 digits after a blank (or is one): maybe the closing offset line
   *  of hexdump/od, possibly after a log prefix. */
  readonly lastWord?: { readonly digits: string; readonly start: number };
  /** ScanMode.stopAtStray: the scan stopped at this character, which no byte syntax can hold (see scanLine); the
   *  segments are those before it (and the one that proved it stray), the rest of the line was not read. */
  readonly stray?: number;
}

export interface ScanMode {
  /** parseHexText: every even hex word counts and run-level rules are off; errors are reported instead. */
  readonly relaxed: boolean;
  /** parseHexText: stop reading a line at the first character that makes the input invalid (LineScan.stray). */
  readonly stopAtStray?: boolean;
}
