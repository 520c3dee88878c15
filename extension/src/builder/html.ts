// The builder view's HTML: nothing inline, nothing from elsewhere. The CSP allows only the built script (with a
// fresh nonce each render) and stylesheets from the extension's dist/ folder.
import { randomBytes } from 'node:crypto';

export interface BuilderHtmlParts {
  /** webview.cspSource */
  readonly cspSource: string;
  /** asWebviewUri of dist/webview.js and dist/webview.css */
  readonly scriptUri: string;
  readonly styleUri: string;
  readonly nonce?: string;
  /** Another view served the same way (the capture viewer): its title and root element's test id. */
  readonly title?: string;
  readonly rootTestId?: string;
}

/** A nonce for one render: 128 random bits, base64 (never Math.random). */
export function makeNonce(): string {
  return randomBytes(16).toString('base64');
}

function attr(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export function builderHtml(parts: BuilderHtmlParts): string {
  const nonce = parts.nonce ?? makeNonce();
  const csp = [
    "default-src 'none'",
    `style-src ${parts.cspSource}`,
    `font-src ${parts.cspSource}`,
    `img-src ${parts.cspSource} data:`,
    `script-src 'nonce-${nonce}'`,
  ].join('; ');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${attr(csp)}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${attr(parts.styleUri)}">
<title>${attr(parts.title ?? 'Netlink message builder')}</title>
</head>
<body>
<main id="app" data-testid="${attr(parts.rootTestId ?? 'builder-root')}" aria-busy="true"><p>Loading…</p></main>
<script nonce="${attr(nonce)}" src="${attr(parts.scriptUri)}"></script>
</body>
</html>
`;
}
