/**
 * A small, tolerant XML tag scanner for 3MF models (no DOMParser in Node or Workers, and a DOM of
 * a million <vertex/> elements would cost far more memory than the mesh).
 *
 * It reports start, end and self-closing tags with their raw attribute text; comments, CDATA,
 * processing instructions and doctypes are skipped; text content is ignored; anything that does
 * not parse as a tag is skipped one character at a time. Every pattern stops at the next '<', so
 * the scan is linear even on garbage (no regex can run to the end of the file per attempt).
 */
export interface XmlTag {
  /** Element name without its namespace prefix ("m:vertex" -> "vertex"). */
  name: string;
  kind: 'open' | 'close' | 'empty';
  /** Raw attribute text; parse it with xmlAttributes only when the element matters. */
  attributes: string;
}

const TAG = /<(\/?)([A-Za-z_][\w.:-]*)((?:[^<>"'/]|\/(?!>)|"[^"<]*"|'[^'<]*')*)(\/?)>/y;
const ATTRIBUTE = /([A-Za-z_][\w.:-]*)\s*=\s*(?:"([^"]*)"|'([^']*)')/g;

export function scanXmlTags(text: string, visit: (tag: XmlTag) => void): void {
  let at = text.indexOf('<');
  while (at >= 0) {
    let next = at + 1;
    if (text.startsWith('<!--', at)) {
      next = skipPast(text, at + 4, '-->');
    } else if (text.startsWith('<![CDATA[', at)) {
      next = skipPast(text, at + 9, ']]>');
    } else if (text.startsWith('<?', at)) {
      next = skipPast(text, at + 2, '?>');
    } else if (text.startsWith('<!', at)) {
      next = skipPast(text, at + 2, '>');
    } else {
      TAG.lastIndex = at;
      const match = TAG.exec(text);
      if (match) {
        const qualified = match[2];
        const colon = qualified.lastIndexOf(':');
        visit({
          name: colon < 0 ? qualified : qualified.slice(colon + 1),
          kind: match[1] ? 'close' : match[4] ? 'empty' : 'open',
          attributes: match[3],
        });
        next = TAG.lastIndex;
      }
    }
    at = text.indexOf('<', next);
  }
}

export function xmlAttributes(raw: string): Map<string, string> {
  const attributes = new Map<string, string>();
  ATTRIBUTE.lastIndex = 0;
  for (let match = ATTRIBUTE.exec(raw); match; match = ATTRIBUTE.exec(raw)) {
    attributes.set(match[1], match[2] ?? match[3] ?? '');
  }
  return attributes;
}

function skipPast(text: string, from: number, terminator: string): number {
  const end = text.indexOf(terminator, from);
  return end < 0 ? text.length : end + terminator.length;
}
