/**
 * The landing page's examples: real photos (MIT and public domain, see examples/LICENSE) made into
 * models by our own CLI with scripts/make-examples.ts. `choice` is the create page's preset id, so
 * "Try this photo" opens the create page with the same photo and shape.
 */
export interface Example {
  id: string;
  title: string;
  blurb: string;
  choice: string;
  photo: string;
  preview: string;
  backlit?: string;
}

/**
 * One example's card: its photo, the preview our pipeline made and (lithophanes) the backlit view,
 * by the file names scripts/make-examples.ts writes for its id. `new URL` with a template literal
 * is the form Vite resolves at build time (a glob over examples/), fingerprinting and copying each file.
 */
function example(id: string, title: string, blurb: string, choice: string, views: { backlit: boolean }): Example {
  return {
    id,
    title,
    blurb,
    choice,
    photo: new URL(`./examples/${id}-photo.jpg`, import.meta.url).href,
    preview: new URL(`./examples/${id}-preview.webp`, import.meta.url).href,
    ...(views.backlit ? { backlit: new URL(`./examples/${id}-backlit.webp`, import.meta.url).href } : {}),
  };
}

export const EXAMPLES: Example[] = [
  example('flat', 'Flat lithophane', '100 mm wide with a 3 mm frame: hold it to a window.', 'lithophane-flat', { backlit: true }),
  example('cylinder', 'Lamp shade', 'The photo wraps a cylinder 80 mm across: put a tea light inside.', 'lithophane-cylinder', {
    backlit: false,
  }),
  example('arc', 'Arc lithophane', 'Curved through 120°, so it stands on its own.', 'lithophane-arc', { backlit: true }),
  example('stand', 'Lithophane on a stand', 'A flat plate standing upright in its own foot.', 'lithophane-flat', { backlit: true }),
  example('relief', 'Relief', 'Bright is high: a 120 mm plaque from a concert photo.', 'relief', { backlit: false }),
];

/** The example's photo as a File, for the create page (same origin, so no CORS question). */
export async function exampleFile(example: Example): Promise<File> {
  const res = await fetch(example.photo);
  if (!res.ok) throw new Error(`example ${example.id}: ${res.status}`);
  return new File([await res.blob()], `${example.id}-example.jpg`, { type: 'image/jpeg' });
}
