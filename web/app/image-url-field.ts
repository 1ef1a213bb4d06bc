/**
 * "Or use a picture's address": the server fetches it (POST /api/v1/uploads/from-url, public
 * addresses only) and stores it as an upload; the page then reads the stored picture back to
 * preview and crop it. Fetching needs an account, as an upload does.
 */
import { ApiError, api } from './api.ts';
import type { Upload } from './api.ts';
import { errorBox, h } from './dom.ts';
import { session } from './session.ts';

export function imageUrlField(onFetched: (file: File, upload: Upload) => void): HTMLElement {
  const input = h('input', {
    type: 'url',
    id: 'image-url',
    name: 'imageUrl',
    placeholder: 'https://…/photo.jpg',
    inputmode: 'url',
    autocomplete: 'off',
    'data-testid': 'image-url',
  });
  const button = h('button', { type: 'button', class: 'secondary' }, 'Fetch');
  const error = errorBox();
  const status = h('small', { class: 'hint', 'aria-live': 'polite' });

  async function fetchIt(): Promise<void> {
    error.show(null);
    const url = input.value.trim();
    if (!url) return error.show('Paste the address of a picture first.');
    if (!session.user) return error.show('Sign in or create an account to fetch a picture from an address.');
    button.disabled = true;
    status.textContent = 'Fetching…';
    try {
      const upload = await api.post<Upload>('/api/v1/uploads/from-url', { url });
      const res = await fetch(`/api/v1/uploads/${upload.id}/content`, { credentials: 'same-origin' });
      if (!res.ok) throw new ApiError(res.status, `http_${res.status}`, 'the fetched picture could not be read back');
      const blob = await res.blob();
      status.textContent = '';
      onFetched(new File([blob], upload.originalName, { type: blob.type }), upload);
    } catch (err) {
      status.textContent = '';
      error.show(err instanceof ApiError ? err.message : 'The picture could not be fetched.');
    } finally {
      button.disabled = false;
    }
  }
  button.addEventListener('click', () => void fetchIt());
  // Enter in the field fetches rather than submitting the whole create form.
  input.addEventListener('keydown', (e) => {
    if (e.key !== 'Enter') return;
    e.preventDefault();
    void fetchIt();
  });
  return h(
    'div',
    { class: 'field image-url' },
    h('label', { for: input.id }, 'Or use a picture from the web'),
    h('div', { class: 'number-row' }, input, button),
    status,
    error,
  );
}
