// The README the VSIX carries (`npm run package` passes it to vsce with --readme-path): README.md without its
// screenshots. The pictures (~450 KB) would be most of the VSIX, which stays under 1 MB; they stay in the repository,
// and the extension's details page shows the text. A picture line becomes a sentence naming what it showed.
//   node --import tsx tools/build/vsix-readme.ts README.md dist/README.vsix.md
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** A line that is only a picture of media/: `![alt](media/x.png)`. */
const PICTURE = /^!\[([^\]]*)\]\(media\/[^)]+\.png\)\s*$/;

export function vsixReadme(readme: string): string {
  return readme
    .split('\n')
    .map((line) => {
      const m = PICTURE.exec(line);
      return m ? `*(Screenshot in the repository's README: ${m[1]}.)*` : line;
    })
    .join('\n');
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [from, to] = process.argv.slice(2);
  if (!from || !to) {
    console.error('usage: vsix-readme.ts README.md OUT.md');
    process.exit(2);
  }
  writeFileSync(to, vsixReadme(readFileSync(from, 'utf8')));
}
