/**
 * Content-Disposition with a plain ASCII `filename` for old clients and an RFC 5987/6266
 * `filename*` that carries the exact name. The ASCII one drops quotes, backslashes and control
 * characters so a name can never break out of the header.
 */
export type DispositionType = 'attachment' | 'inline';

export function contentDisposition(type: DispositionType, filename: string): string {
  const ascii = filename.replace(/[^\x20-\x7e]|["\\]/g, '_');
  return `${type}; filename="${ascii}"; filename*=UTF-8''${encodeRfc5987(filename)}`;
}

/** encodeURIComponent leaves ' ( ) * unescaped, but RFC 5987 attr-chars exclude them. */
function encodeRfc5987(value: string): string {
  return encodeURIComponent(value).replace(/['()*]/g, (ch) => `%${ch.charCodeAt(0).toString(16).toUpperCase()}`);
}
