// The ONE place where an argument vector becomes a remote shell command line. OpenSSH joins its trailing
// arguments with spaces and hands the result to the remote user's shell, so every word must be quoted.
// POSIX single quotes keep everything literal except the single quote itself, written as '\'' .

const SAFE_WORD = /^[A-Za-z0-9_@%+=:,./-]+$/;

export function quoteWord(word: string): string {
  if (word.includes('\0')) throw new Error(`shell word contains a NUL byte: ${JSON.stringify(word)}`);
  // Plain words stay readable in logs; anything else is single-quoted.
  if (SAFE_WORD.test(word)) return word;
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

export function quoteArgv(argv: readonly string[]): string {
  if (argv.length === 0) throw new Error('empty command');
  return argv.map(quoteWord).join(' ');
}
