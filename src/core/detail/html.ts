/** The detail webview's HTML shell: a strict CSP, one stylesheet, one nonce'd script, no payload. */

export interface DetailHtmlInput {
  /** `webview.cspSource` */
  readonly cspSource: string;
  /** `asWebviewUri` of dist/webview.js */
  readonly scriptUri: string;
  /** `asWebviewUri` of media/detail.css */
  readonly styleUri: string;
  /** A fresh `crypto.randomUUID()` per load. */
  readonly nonce: string;
}

function attr(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export function detailCsp(cspSource: string, nonce: string): string {
  return [
    "default-src 'none'",
    `style-src ${cspSource}`,
    `font-src ${cspSource}`,
    `img-src ${cspSource}`,
    `script-src 'nonce-${nonce}'`,
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
}

export function detailHtml(input: DetailHtmlInput): string {
  if (!/^[A-Za-z0-9-]{16,}$/.test(input.nonce)) {
    throw new Error('detailHtml: the nonce must be a random token such as crypto.randomUUID().');
  }
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${attr(detailCsp(input.cspSource, input.nonce))}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${attr(input.styleUri)}">
<title>Webhook event</title>
</head>
<body>
<div id="root"></div>
<script nonce="${attr(input.nonce)}" src="${attr(input.scriptUri)}"></script>
</body>
</html>
`;
}
