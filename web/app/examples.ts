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

// new URL(…, import.meta.url) lets Vite fingerprint and copy each file into the build.
export const EXAMPLES: Example[] = [
  {
    id: 'flat',
    title: 'Flat lithophane',
    blurb: '100 mm wide with a 3 mm frame: hold it to a window.',
    choice: 'lithophane-flat',
    photo: new URL('./examples/flat-photo.jpg', import.meta.url).href,
    preview: new URL('./examples/flat-preview.webp', import.meta.url).href,
    backlit: new URL('./examples/flat-backlit.webp', import.meta.url).href,
  },
  {
    id: 'cylinder',
    title: 'Lamp shade',
    blurb: 'The photo wraps a cylinder 80 mm across: put a tea light inside.',
    choice: 'lithophane-cylinder',
    photo: new URL('./examples/cylinder-photo.jpg', import.meta.url).href,
    preview: new URL('./examples/cylinder-preview.webp', import.meta.url).href,
  },
  {
    id: 'arc',
    title: 'Arc lithophane',
    blurb: 'Curved through 120°, so it stands on its own.',
    choice: 'lithophane-arc',
    photo: new URL('./examples/arc-photo.jpg', import.meta.url).href,
    preview: new URL('./examples/arc-preview.webp', import.meta.url).href,
    backlit: new URL('./examples/arc-backlit.webp', import.meta.url).href,
  },
  {
    id: 'stand',
    title: 'Lithophane on a stand',
    blurb: 'A flat plate standing upright in its own foot.',
    choice: 'lithophane-flat',
    photo: new URL('./examples/stand-photo.jpg', import.meta.url).href,
    preview: new URL('./examples/stand-preview.webp', import.meta.url).href,
    backlit: new URL('./examples/stand-backlit.webp', import.meta.url).href,
  },
  {
    id: 'relief',
    title: 'Relief',
    blurb: 'Bright is high: a 120 mm plaque from a concert photo.',
    choice: 'relief',
    photo: new URL('./examples/relief-photo.jpg', import.meta.url).href,
    preview: new URL('./examples/relief-preview.webp', import.meta.url).href,
  },
];

/** The example's photo as a File, for the create page (same origin, so no CORS question). */
export async function exampleFile(example: Example): Promise<File> {
  const res = await fetch(example.photo);
  if (!res.ok) throw new Error(`example ${example.id}: ${res.status}`);
  return new File([await res.blob()], `${example.id}-example.jpg`, { type: 'image/jpeg' });
}
