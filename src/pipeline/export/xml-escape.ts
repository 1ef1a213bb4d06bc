/** Escapes text for XML attribute values and element content (metadata comes from users). */
export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => XML_ENTITIES[c]).replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, '');
}

const XML_ENTITIES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&apos;',
};
