// Checks on an exported C program ("Export as C Program") with the system's gcc: that it builds warning-free,
// and the bytes it would send, read from the program's own request (not from the extension's encoder).
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join, dirname, basename } from 'node:path';

const CFLAGS = ['-Wall', '-Wextra', '-Werror', '-std=c11'];

/** gcc the program into `binary`; returns gcc's stderr when it fails, '' when it built. */
export function buildProgram(source: string, binary: string): string {
  const cc = spawnSync('gcc', [...CFLAGS, '-o', binary, source], { encoding: 'utf8', timeout: 60_000 });
  return cc.status === 0 ? '' : `gcc exited ${cc.status}: ${cc.stderr}${cc.error?.message ?? ''}`;
}

/**
 * The REQUEST_LEN bytes of the program's `request` as hex: the program is built with its main renamed, next to a
 * main that prints them. Throws with gcc's or the driver's output when either fails.
 */
export function requestBytesOf(source: string): string {
  const dir = dirname(source);
  const driver = join(dir, `${basename(source, '.c')}-request-bytes.c`);
  const binary = join(dir, `${basename(source, '.c')}-request-bytes`);
  writeFileSync(
    driver,
    `#define main exported_main
#include ${JSON.stringify(source)}
#undef main

int main(void)
{
	const unsigned char *p = (const unsigned char *)&request;

	for (size_t i = 0; i < REQUEST_LEN; i++)
		printf("%02x", p[i]);
	printf("\\n");
	return 0;
}
`,
  );
  const failed = buildProgram(driver, binary);
  if (failed) throw new Error(`the request-bytes driver did not build: ${failed}`);
  const run = spawnSync(binary, [], { encoding: 'utf8', timeout: 10_000 });
  if (run.status !== 0) throw new Error(`the request-bytes driver exited ${run.status}: ${run.stderr}`);
  return run.stdout.trim();
}
