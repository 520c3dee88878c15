// How strings from outside the program are shown: decoded strings (attribute values, ext-ack messages, text
// payloads, family names bound from a capture) and names from YNL spec files (workspace content). Every renderer
// uses these, so a capture cannot write Markdown into a hover, escape sequences into a terminal, or reorder text
// with bidi controls. One convention everywhere, JavaScript string-literal escapes:
//   \n \r \t            newline, carriage return, tab
//   \xHH                any other control character (C0, DEL, C1)
//   \u{HHHH}            invisible formatting (bidi overrides and isolates, zero-width characters, U+2028/U+2029
//                       separators) and unpaired surrogates
//   \\                  a backslash, so an escape in the output always stands for one character
// Quoted values also escape the quote: "a\"b".

/** Everything the convention escapes: Unicode categories Cc, Cf, Zl, Zp and unpaired surrogates (Cs), and `\`. */
const NEEDS_ESCAPE = /[\\\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Cs}]/u;
const ESCAPED = /[\\\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Cs}]/gu;
const NEEDS_ESCAPE_QUOTED = /["\\\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Cs}]/u;
const ESCAPED_QUOTED = /["\\\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Cs}]/gu;
/** The same without `\`: for messages that mix program text with such strings and are only shown once. */
const CONTROLS = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Cs}]/u;
const CONTROLS_ALL = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Cs}]/gu;

function escapeOne(c: string): string {
  switch (c) {
    case '\n':
      return '\\n';
    case '\r':
      return '\\r';
    case '\t':
      return '\\t';
    case '\\':
      return '\\\\';
    case '"':
      return '\\"';
  }
  const code = c.codePointAt(0) as number;
  return code < 0x100 ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u{${code.toString(16)}}`;
}

/** A decoded string or a name, on one line and with every control or invisible character shown as an escape. */
export function escapeText(s: string): string {
  return NEEDS_ESCAPE.test(s) ? s.replace(ESCAPED, escapeOne) : s;
}

/** A decoded string value in double quotes: `"eth0"`, `"a\nb"`, `"\x1b]0;title\x07"`. */
export function quoteText(s: string): string {
  return `"${NEEDS_ESCAPE_QUOTED.test(s) ? s.replace(ESCAPED_QUOTED, escapeOne) : s}"`;
}

/**
 * Only the control and invisible characters escaped (a backslash stays as it is): for a diagnostic already
 * composed of program text and such strings (a spec file's problem, a usage error), written once to a terminal.
 */
export function escapeControls(s: string): string {
  return CONTROLS.test(s) ? s.replace(CONTROLS_ALL, escapeOne) : s;
}

/** At most n characters, the last one "…" when cut; never splits a surrogate pair (half of one is unpaired). */
export function cutText(s: string, n: number): string {
  if (s.length <= n) return s;
  let end = n - 1;
  const last = s.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end--;
  return `${s.slice(0, end)}…`;
}
