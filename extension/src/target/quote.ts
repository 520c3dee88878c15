// The ONE place where an argument vector becomes a remote shell command line. OpenSSH joins its trailing
// arguments with spaces and hands the result to the remote user's login shell (`$SHELL -c "..."`), so every word
// must be quoted for a POSIX shell. Single quotes keep everything literal except the single quote itself, which is
// written as '\'' (close, escaped quote, reopen). Newlines, `$()`, backticks, `*`, `;` are all literal inside.

/** Words made only of these characters mean the same quoted or not; they stay bare so logs stay readable. */
const BARE_WORD = /^[A-Za-z0-9_@%+=:,./-]+$/;

export function quoteWord(word: string): string {
  // A NUL cannot travel through an SSH command string (C strings end there): refuse rather than truncate.
  if (word.includes('\0')) throw new Error(`a command word contains a NUL byte: ${JSON.stringify(word)}`);
  // A leading `-` is left alone: quoting cannot stop a program from reading a word as an option, so callers put
  // `--` before operands where the program accepts it.
  if (BARE_WORD.test(word)) return word;
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

/** argv → one POSIX shell command string that runs exactly argv[0] with argv[1..] as its arguments. */
export function shellCommand(argv: readonly string[]): string {
  if (argv.length === 0) throw new Error('empty command');
  return argv.map(quoteWord).join(' ');
}
