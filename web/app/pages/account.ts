/**
 * Account: API keys (create, shown once; list; revoke), export my data, delete my account (typed
 * confirmation in a modal dialog). Export and delete call GET /api/v1/account/export and
 * DELETE /api/v1/account and show the API's answer, whatever it is.
 */
import { api, ApiError, request } from '../api.ts';
import type { ApiKey } from '../api.ts';
import { announce, errorBox, field, formatDate, h } from '../dom.ts';
import type { PageContext } from '../router.ts';
import { navigate } from '../router.ts';
import { session } from '../session.ts';
import { profileSection, supportSection } from './account-profile.ts';

export async function accountPage(ctx: PageContext) {
  const user = session.user!;
  ctx.main.append(
    h('div', { class: 'page-head' }, h('h1', {}, 'Account'), h('p', { class: 'lede' }, `Signed in as ${user.name} (${user.email}).`)),
  );
  const [profile, support] = await Promise.all([profileSection(), supportSection()]);
  ctx.main.append(profile);

  // ---- API keys
  const keysError = errorBox();
  const keyList = h('ul', { class: 'key-list', 'data-testid': 'key-list' });
  const created = h('div', { class: 'created-key', 'aria-live': 'polite' });
  const keyName = h('input', { type: 'text', name: 'name', maxlength: 100, required: true, placeholder: 'e.g. home printer script' });
  async function loadKeys(): Promise<void> {
    try {
      const { apiKeys } = await api.get<{ apiKeys: ApiKey[] }>('/api/v1/account/api-keys');
      const active = apiKeys.filter((k) => !k.revokedAt);
      keyList.replaceChildren(
        ...(active.length === 0
          ? [h('li', { class: 'hint' }, 'No API keys.')]
          : active.map((k) => {
              const revoke = h(
                'button',
                {
                  type: 'button',
                  class: 'danger small',
                  'aria-label': `Revoke the key ${k.name}`,
                  onclick: async () => {
                    if (!window.confirm(`Revoke “${k.name}”? Scripts using it stop working at once.`)) return;
                    try {
                      await api.del(`/api/v1/account/api-keys/${encodeURIComponent(k.id)}`);
                      created.replaceChildren();
                      announce(`Key ${k.name} revoked`);
                      await loadKeys();
                    } catch (err) {
                      keysError.show(err instanceof ApiError ? err.message : 'It could not be revoked.');
                    }
                  },
                },
                'Revoke',
              );
              return h(
                'li',
                {},
                h('div', {}, h('strong', {}, k.name), h('code', {}, ` ${k.prefix}…`)),
                h(
                  'small',
                  { class: 'meta' },
                  `created ${formatDate(k.createdAt)}${k.lastUsedAt ? `, last used ${formatDate(k.lastUsedAt)}` : ', never used'}`,
                ),
                revoke,
              );
            })),
      );
    } catch (err) {
      keysError.show(err instanceof ApiError ? err.message : 'Your keys could not be loaded.');
    }
  }
  const createForm = h(
    'form',
    {
      class: 'inline-form',
      onsubmit: async (e: Event) => {
        e.preventDefault();
        keysError.show(null);
        try {
          const { key, apiKey } = await api.post<{ key: string; apiKey: ApiKey }>('/api/v1/account/api-keys', {
            name: keyName.value.trim() || 'API key',
          });
          const out = h('input', {
            type: 'text',
            readonly: true,
            value: key,
            class: 'link-field',
            'aria-label': `The new key ${apiKey.name}`,
            'data-testid': 'new-key',
          });
          const copy = h(
            'button',
            {
              type: 'button',
              class: 'secondary small',
              onclick: async () => {
                out.select();
                await navigator.clipboard?.writeText(key).then(
                  () => announce('Key copied'),
                  () => undefined,
                );
              },
            },
            'Copy',
          );
          created.replaceChildren(
            h('p', { class: 'notice' }, h('strong', {}, 'Copy this key now: '), 'it is shown only once. Send it in the x-api-key header.'),
            h('div', { class: 'number-row' }, out, copy),
          );
          out.select();
          keyName.value = '';
          await loadKeys();
        } catch (err) {
          keysError.show(err instanceof ApiError ? err.message : 'The key could not be created.');
        }
      },
    },
    field('Name for a new key', keyName),
    h('button', { type: 'submit', class: 'primary' }, 'Create key'),
  );

  // ---- export
  const exportError = errorBox();
  const exportButton = h(
    'button',
    {
      type: 'button',
      class: 'secondary',
      onclick: async () => {
        exportError.show(null);
        exportButton.disabled = true;
        try {
          const res = await fetch('/api/v1/account/export', { credentials: 'same-origin' });
          if (!res.ok) {
            const body = (await res.json().catch(() => null)) as { error?: { message?: string } } | null;
            throw new ApiError(res.status, 'export', body?.error?.message ?? `the export failed (${res.status})`);
          }
          const blob = await res.blob();
          const disposition = res.headers.get('content-disposition') ?? '';
          const star = /filename\*=UTF-8''([^;]+)/i.exec(disposition)?.[1];
          const name = star ? decodeURIComponent(star) : (/filename="?([^";]+)/.exec(disposition)?.[1] ?? 'image-to-stl-export.zip');
          const href = URL.createObjectURL(blob);
          const a = h('a', { href, download: name, hidden: true });
          document.body.append(a);
          a.click();
          a.remove();
          window.setTimeout(() => URL.revokeObjectURL(href), 10_000);
          announce('Export downloaded');
        } catch (err) {
          exportError.show(`Export is not available: ${err instanceof Error ? err.message : 'unknown error'}.`);
        } finally {
          exportButton.disabled = false;
        }
      },
    },
    'Export my data',
  );

  // ---- delete (DELETE /api/v1/account wants the password, or a phrase for accounts without one)
  const PHRASE = 'delete my account';
  const deleteError = errorBox();
  const confirmInput = h('input', { type: 'password', autocomplete: 'current-password', spellcheck: 'false', required: true });
  const confirmButton = h('button', { type: 'submit', class: 'danger', disabled: true }, 'Delete my account');
  confirmInput.addEventListener('input', () => (confirmButton.disabled = confirmInput.value.trim() === ''));
  const dialog = h(
    'dialog',
    { class: 'dialog', 'aria-labelledby': 'delete-title', 'aria-describedby': 'delete-what' },
    h(
      'form',
      {
        method: 'dialog',
        onsubmit: async (e: Event) => {
          e.preventDefault();
          deleteError.show(null);
          confirmButton.disabled = true;
          confirmButton.setAttribute('aria-busy', 'true');
          try {
            // The server checks the password when the account has one, else the phrase.
            await request('DELETE', '/api/v1/account', { password: confirmInput.value, confirm: confirmInput.value });
            dialog.close();
            session.clear();
            announce('Your account was deleted');
            navigate('/sign-up?deleted=1');
          } catch (err) {
            deleteError.show(`Your account was not deleted: ${err instanceof ApiError ? err.message : 'unknown error'}.`);
            confirmButton.disabled = false;
          } finally {
            confirmButton.removeAttribute('aria-busy');
          }
        },
      },
      h('h2', { id: 'delete-title' }, 'Delete your account?'),
      h(
        'p',
        { id: 'delete-what' },
        'Your uploads, jobs, files, API keys and credits are deleted for good; running jobs are stopped. Payment records are kept without your name, as billing law requires. This cannot be undone.',
      ),
      field('Your password', confirmInput, `If you only sign in with Google or GitHub, type “${PHRASE}” instead.`),
      deleteError,
      h(
        'div',
        { class: 'actions' },
        h('button', { type: 'button', class: 'secondary', onclick: () => dialog.close() }, 'Keep my account'),
        confirmButton,
      ),
    ),
  );

  ctx.main.append(
    h(
      'section',
      { class: 'card', 'aria-labelledby': 'keys-heading' },
      h('h2', { id: 'keys-heading' }, 'API keys'),
      h('p', { class: 'hint' }, 'For scripts and the HTTP API (see /api/v1/openapi.json). A key acts as you and spends your credits.'),
      createForm,
      created,
      keysError,
      keyList,
    ),
    h(
      'section',
      { class: 'card', 'aria-labelledby': 'data-heading' },
      h('h2', { id: 'data-heading' }, 'Your data'),
      h(
        'p',
        {},
        'Download everything we hold about you as one zip: account, jobs, transactions and billing as JSON, with your original uploads and every file your jobs made.',
      ),
      exportButton,
      exportError,
    ),
    support,
    h(
      'section',
      { class: 'card danger-zone', 'aria-labelledby': 'delete-heading' },
      h('h2', { id: 'delete-heading' }, 'Delete account'),
      h('p', {}, 'Removes your account and everything in it.'),
      h(
        'button',
        {
          type: 'button',
          class: 'danger',
          onclick: () => {
            confirmInput.value = '';
            confirmButton.disabled = true;
            deleteError.show(null);
            dialog.showModal();
            confirmInput.focus();
          },
        },
        'Delete my account…',
      ),
      dialog,
    ),
  );
  await loadKeys();
}
