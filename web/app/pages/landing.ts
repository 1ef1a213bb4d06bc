/**
 * The landing page: what the app makes, shown with real examples made by the pipeline, and a way
 * in that needs no account. The create page works signed out up to the in-browser preview; an
 * account is asked for only when a job is to run on the server.
 */
import { h } from '../dom.ts';
import { EXAMPLES } from '../examples.ts';
import type { PageContext } from '../router.ts';
import { session } from '../session.ts';

export function landingPage(ctx: PageContext) {
  const signedIn = Boolean(session.user);
  const cards = EXAMPLES.map((ex) =>
    h(
      'li',
      { class: 'card example', 'data-testid': `example-${ex.id}` },
      h(
        'div',
        { class: 'example-images' },
        h('img', { src: ex.photo, alt: `The photo: ${ex.title.toLowerCase()} example`, width: 160, height: 120, loading: 'lazy' }),
        h('img', {
          src: ex.preview,
          alt: `The ${ex.title.toLowerCase()} our pipeline made from it`,
          width: 160,
          height: 120,
          loading: 'lazy',
        }),
        ex.backlit
          ? h('img', { src: ex.backlit, alt: 'The same lithophane lit from behind', width: 160, height: 120, loading: 'lazy' })
          : null,
      ),
      h('h3', {}, ex.title),
      h('p', {}, ex.blurb),
      h('a', { href: `/create?mode=${ex.choice}&example=${ex.id}`, 'data-link': true, class: 'button secondary' }, `Try this photo`),
    ),
  );
  ctx.main.append(
    h(
      'section',
      { class: 'hero' },
      h('h1', {}, 'Photos into prints that work first time'),
      h(
        'p',
        { class: 'lede' },
        'Lithophanes for a lamp or a window, reliefs, logo keychains and cookie cutters, and repaired 3D files: watertight, sized in millimetres, small enough for your slicer.',
      ),
      h(
        'p',
        { class: 'hero-actions' },
        h('a', { href: '/create', 'data-link': true, class: 'button primary big' }, 'Try it with your photo'),
        signedIn ? null : h('a', { href: '/sign-up', 'data-link': true, class: 'button secondary' }, 'Create an account'),
      ),
      h(
        'p',
        { class: 'hint' },
        signedIn
          ? 'Pick a photo, see the model in 3D, then make it.'
          : 'No account needed to try: the preview is computed in your browser. You need an account (with free credits) to make the printable file.',
      ),
    ),
    h(
      'section',
      { 'aria-labelledby': 'examples-heading' },
      h('h2', { id: 'examples-heading' }, 'Made by image-to-stl'),
      h('ul', { class: 'examples', 'data-testid': 'examples' }, cards),
      h(
        'p',
        { class: 'hint licence' },
        'Example photos: recurser/exif-orientation-examples (MIT licence) and a public-domain concert photo; models and renders made with this project.',
      ),
    ),
  );
}
