// The ONE place where an argument vector becomes a remote shell command line. OpenSSH joins its trailing
// arguments with spaces and hands the result to the remote user's login shell (`$SHELL -c "..."`), so every word
// must be quoted for a POSIX shell. Single quotes keep everything literal except the single quote itself, which is
// written as '\'' (close, escaped quote, reopen). Newlines, `$()`, backticks, `*`, `;` are all literal inside.
// Also the one place where a local path becomes an ssh option value (the other parser on the way: ssh's own).

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

/**
 * Characters a path cannot carry through an ssh option value so that every OpenSSH reads it back: `"` and `\`
 * (OpenSSH 8.7+ knows `\"` inside quotes, older releases end the value at the `"`), `${` (an environment variable
 * in IdentityFile, UserKnownHostsFile, ControlPath...: no escape exists) and line ends.
 */
const SSH_VALUE_UNSAFE = /["\\\0\n\r]|\$\{/;

/** Why `p` cannot be an ssh option value, or undefined when it can. */
export function sshPathProblem(p: string): string | undefined {
  return SSH_VALUE_UNSAFE.test(p)
    ? `${JSON.stringify(p)} contains a double quote, backslash, "\${" or line end, which an ssh option value cannot carry`
    : undefined;
}

/**
 * A local file path as the value of an ssh `-o` option (`-o IdentityFile=<this>`). ssh reads each -o argument as a
 * line of its config file: the value is split at blanks unless it is in double quotes, and `%` starts a token
 * (`%%` is a literal one). `tokens` is appended inside the quotes as written (ControlPath's `/%C`).
 */
export function sshPathValue(p: string, tokens = ''): string {
  const problem = sshPathProblem(p);
  if (problem) throw new Error(problem);
  return `"${p.replace(/%/g, '%%')}${tokens}"`;
}
