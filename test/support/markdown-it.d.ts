// The part of markdown-it (a CommonMark renderer, dev dependency) the tests use to see what a hover's Markdown
// becomes: the package ships no types.
declare module 'markdown-it' {
  interface MarkdownItOptions {
    html?: boolean;
    linkify?: boolean;
  }
  export default class MarkdownIt {
    constructor(options?: MarkdownItOptions);
    render(source: string): string;
  }
}
