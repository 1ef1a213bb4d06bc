import { h } from './dom.ts';
import { accountPage } from './pages/account.ts';
import { signInPage, signUpPage } from './pages/auth.ts';
import { createPage } from './pages/create.ts';
import { creditsPage } from './pages/credits.ts';
import { historyPage } from './pages/history.ts';
import { jobPage } from './pages/job.ts';
import { landingPage } from './pages/landing.ts';
import { navigate, route, setGuard, startRouter } from './router.ts';
import { session } from './session.ts';

// The landing page and the create page are open to anyone: try first, sign up to make it.
route('/', 'Photos into printable solids', landingPage, { auth: 'public' });
route('/create', 'Create', createPage, { auth: 'public' });
route('/sign-in', 'Sign in', signInPage, { auth: false });
route('/sign-up', 'Create an account', signUpPage, { auth: false });
route('/jobs/:id', 'Job', jobPage);
route('/history', 'History', historyPage);
route('/credits', 'Credits and billing', creditsPage);
route('/account', 'Account', accountPage);

setGuard((auth, path) => {
  if (auth && !session.user) return `/sign-in?next=${encodeURIComponent(path)}`;
  if (!auth && session.user) return '/create';
  return null;
});

function renderNav(): void {
  const nav = document.getElementById('nav')!;
  const here = location.pathname;
  const link = (href: string, label: string) => {
    const current = here === href || (href === '/history' && here.startsWith('/jobs/'));
    return h('li', {}, h('a', { href, 'data-link': true, 'aria-current': current ? 'page' : undefined }, label));
  };
  if (!session.user) {
    nav.replaceChildren(h('ul', {}, link('/create', 'Try it'), link('/sign-in', 'Sign in'), link('/sign-up', 'Sign up')));
    return;
  }
  const signOut = h(
    'button',
    {
      type: 'button',
      class: 'link-button',
      onclick: async () => {
        await session.signOut();
        navigate('/sign-in');
      },
    },
    'Sign out',
  );
  nav.replaceChildren(
    h(
      'ul',
      {},
      link('/create', 'Create'),
      link('/history', 'History'),
      link('/credits', 'Credits'),
      link('/account', 'Account'),
      h('li', {}, signOut),
    ),
  );
}

document.addEventListener('routechange', renderNav);
window.addEventListener('unauthorized', () => {
  if (!session.user) return;
  session.clear();
  navigate(`/sign-in?next=${encodeURIComponent(location.pathname)}`);
});

await session.load();
renderNav();
startRouter();
