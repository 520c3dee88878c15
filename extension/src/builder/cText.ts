// Text put into generated C source: string literals and comments that hold whatever a user, a spec or the kernel
// named (a summary, a family name, an attribute value). Nothing given may end the literal or the comment early,
// splice lines, or turn into a trigraph (-std=c11 enables them).

/** A C string literal: printable ASCII as is; quote, backslash, `?` and everything else escaped (octal, 3 digits). */
export function cStringLiteral(text: string): string {
  let out = '"';
  for (const b of new TextEncoder().encode(text)) {
    if (b === 0x22 || b === 0x5c || b === 0x3f) out += `\\${String.fromCharCode(b)}`;
    else if (b >= 0x20 && b < 0x7f) out += String.fromCharCode(b);
    // Octal with all three digits: unlike \x, it cannot swallow a hex digit that follows.
    else out += `\\${b.toString(8).padStart(3, '0')}`;
  }
  return `${out}"`;
}

/**
 * Text for the inside of a one-line block comment: control characters and non-ASCII as \xNN, no line breaks, and
 * neither comment delimiters nor trigraph-forming `??` nor a trailing backslash survive.
 */
export function cCommentText(text: string, max = 200): string {
  let out = '';
  for (const ch of text) {
    const c = ch.codePointAt(0)!;
    out += c >= 0x20 && c < 0x7f ? ch : `\\x${c.toString(16).padStart(2, '0')}`;
  }
  out = out.replace(/\*\//g, '* /').replace(/\/\*/g, '/ *').replace(/\?\?/g, '? ?');
  if (out.length > max) out = `${out.slice(0, max)}...`;
  // A backslash followed by nothing but the comment's end is harmless, but keep the rule simple to read.
  return out.replace(/\\$/, '\\ ');
}
