/** Sign in and sign up (better-auth email + password; the session is a cookie). */
import { ApiError } from '../api.ts';
import { errorBox, field, h } from '../dom.ts';
import type { PageContext } from '../router.ts';
import { navigate } from '../router.ts';
import { session } from '../session.ts';

function nextPath(query: URLSearchParams): string {
  const next = query.get('next');
  return next?.startsWith('/') && !next.startsWith('//') ? next : '/create';
}

function authForm(ctx: PageContext, kind: 'sign-in' | 'sign-up'): void {
  const name = h('input', { type: 'text', name: 'name', autocomplete: 'name', required: true, maxlength: 100 });
  const email = h('input', {
    type: 'email',
    name: 'email',
    autocomplete: 'email',
    required: true,
    inputmode: 'email',
    spellcheck: 'false',
  });
  const password = h('input', {
    type: 'password',
    name: 'password',
    autocomplete: kind === 'sign-in' ? 'current-password' : 'new-password',
    required: true,
    minlength: 8,
    maxlength: 128,
  });
  const error = errorBox();
  const submit = h('button', { type: 'submit', class: 'primary' }, kind === 'sign-in' ? 'Sign in' : 'Create account');
  const form = h(
    'form',
    {
      class: 'card auth-form',
      novalidate: true,
      onsubmit: async (e: Event) => {
        e.preventDefault();
        error.show(null);
        if (!form.checkValidity()) {
          const bad = form.querySelector<HTMLInputElement>(':invalid');
          error.show(bad ? `${bad.labels?.[0]?.textContent ?? bad.name}: ${bad.validationMessage}` : 'Please fill in the form.');
          bad?.focus();
          return;
        }
        submit.disabled = true;
        submit.setAttribute('aria-busy', 'true');
        try {
          if (kind === 'sign-in') await session.signIn(email.value.trim(), password.value);
          else await session.signUp(name.value.trim(), email.value.trim(), password.value);
          navigate(nextPath(ctx.query), { replace: true });
        } catch (err) {
          error.show(err instanceof ApiError ? err.message : 'Something went wrong; please try again.');
          submit.disabled = false;
          submit.removeAttribute('aria-busy');
        }
      },
    },
    kind === 'sign-up' ? field('Name', name) : null,
    field('Email', email),
    field('Password', password, kind === 'sign-up' ? 'At least 8 characters.' : undefined),
    error,
    submit,
  );
  const other =
    kind === 'sign-in'
      ? h(
          'p',
          {},
          'New here? ',
          h('a', { href: `/sign-up${location.search}`, 'data-link': true }, 'Create an account'),
          ' — it comes with free credits.',
        )
      : h('p', {}, 'Already have an account? ', h('a', { href: `/sign-in${location.search}`, 'data-link': true }, 'Sign in'));
  const deleted =
    kind === 'sign-up' && ctx.query.get('deleted') === '1'
      ? h('p', { class: 'notice', role: 'status' }, 'Your account and everything in it were deleted.')
      : null;
  ctx.main.append(
    h(
      'section',
      { class: 'auth' },
      deleted,
      h(
        'div',
        { class: 'auth-intro' },
        h('h1', {}, kind === 'sign-in' ? 'Sign in' : 'Create an account'),
        h(
          'p',
          { class: 'lede' },
          'Turn photos into lithophanes and reliefs, logos into keychains and cookie cutters, and broken 3D files into printable solids.',
        ),
      ),
      form,
      other,
    ),
  );
}

export const signInPage = (ctx: PageContext) => authForm(ctx, 'sign-in');
export const signUpPage = (ctx: PageContext) => authForm(ctx, 'sign-up');
