/**
 * The account page's profile (display name, avatar) and support form. The avatar is sent as a
 * file (PUT /api/v1/account/avatar) and checked by the server: PNG, JPEG or WebP, at most 256 KB
 * and 1024 × 1024 px. Messages to support are stored with the account: they are in its export
 * and are deleted with it, and the page lists them.
 */
import { ApiError, api, request } from '../api.ts';
import { announce, errorBox, field, formatDate, h } from '../dom.ts';

interface Profile {
  name: string;
  email: string;
  avatarUrl: string | null;
}
interface SupportMessage {
  id: string;
  subject: string;
  message: string;
  createdAt: number;
}

const message = (err: unknown, fallback: string) => (err instanceof ApiError ? err.message : fallback);

export async function profileSection(): Promise<HTMLElement> {
  const error = errorBox();
  const saved = h('p', { class: 'hint', 'aria-live': 'polite', 'data-testid': 'profile-saved' });
  const avatar = h('img', { class: 'avatar', alt: 'Your avatar', width: 72, height: 72, hidden: true, 'data-testid': 'avatar' });
  const name = h('input', { type: 'text', name: 'name', maxlength: 100, required: true, autocomplete: 'name' });
  const file = h('input', { type: 'file', accept: 'image/png,image/jpeg,image/webp', 'data-testid': 'avatar-input' });
  const remove = h('button', { type: 'button', class: 'link-button', hidden: true }, 'Remove the avatar');

  const show = (p: Profile) => {
    name.value = p.name;
    avatar.hidden = !p.avatarUrl;
    remove.hidden = !p.avatarUrl;
    if (p.avatarUrl) avatar.src = p.avatarUrl;
    else avatar.removeAttribute('src');
  };
  try {
    show(await api.get<Profile>('/api/v1/account/profile'));
  } catch (err) {
    error.show(message(err, 'Your profile could not be loaded.'));
  }

  file.addEventListener('change', async () => {
    const picked = file.files?.[0];
    if (!picked) return;
    error.show(null);
    const form = new FormData();
    form.append('file', picked);
    try {
      show(await request<Profile>('PUT', '/api/v1/account/avatar', form));
      saved.textContent = 'Avatar saved.';
      announce('Avatar saved');
    } catch (err) {
      error.show(message(err, 'The avatar could not be saved.'));
    }
    file.value = '';
  });
  remove.addEventListener('click', async () => {
    try {
      show(await api.del<Profile>('/api/v1/account/avatar'));
      saved.textContent = 'Avatar removed.';
    } catch (err) {
      error.show(message(err, 'The avatar could not be removed.'));
    }
  });

  const form = h(
    'form',
    {
      class: 'inline-form',
      onsubmit: async (e: Event) => {
        e.preventDefault();
        error.show(null);
        try {
          show(await request<Profile>('PATCH', '/api/v1/account/profile', { name: name.value }));
          saved.textContent = 'Name saved.';
          announce('Name saved');
        } catch (err) {
          error.show(message(err, 'The name could not be saved.'));
        }
      },
    },
    field('Your name', name),
    h('button', { type: 'submit', class: 'secondary' }, 'Save name'),
  );
  return h(
    'section',
    { class: 'card', 'aria-labelledby': 'profile-heading' },
    h('h2', { id: 'profile-heading' }, 'Profile'),
    h(
      'div',
      { class: 'profile-row' },
      avatar,
      h('div', {}, field('Avatar (PNG, JPEG or WebP, up to 256 KB, 1024 × 1024 px)', file), remove),
    ),
    form,
    saved,
    error,
  );
}

export async function supportSection(): Promise<HTMLElement> {
  const error = errorBox();
  const list = h('ul', { class: 'support-list', 'data-testid': 'support-list' });
  const subject = h('input', { type: 'text', name: 'subject', maxlength: 200, required: true });
  const body = h('textarea', { name: 'message', maxlength: 5000, rows: 5, required: true });
  const send = h('button', { type: 'submit', class: 'primary' }, 'Send to support');

  const render = (messages: SupportMessage[]) =>
    list.replaceChildren(
      ...(messages.length === 0
        ? [h('li', { class: 'hint' }, 'No messages yet.')]
        : messages.map((m) =>
            h('li', {}, h('strong', {}, m.subject), h('small', { class: 'hint' }, ` · ${formatDate(m.createdAt)}`), h('p', {}, m.message)),
          )),
    );
  const load = async () => {
    try {
      render((await api.get<{ messages: SupportMessage[] }>('/api/v1/account/support')).messages);
    } catch (err) {
      error.show(message(err, 'Your messages could not be loaded.'));
    }
  };
  await load();

  const form = h(
    'form',
    {
      onsubmit: async (e: Event) => {
        e.preventDefault();
        error.show(null);
        send.disabled = true;
        try {
          await api.post('/api/v1/account/support', { subject: subject.value, message: body.value });
          subject.value = '';
          body.value = '';
          announce('Message sent');
          await load();
        } catch (err) {
          error.show(message(err, 'The message could not be sent.'));
        } finally {
          send.disabled = false;
        }
      },
    },
    field('Subject', subject),
    field('Message', body, 'Kept with your account: it is in your data export and deleted with your account.'),
    send,
  );
  return h(
    'section',
    { class: 'card', 'aria-labelledby': 'support-heading' },
    h('h2', { id: 'support-heading' }, 'Support'),
    form,
    error,
    h('h3', {}, 'Your messages'),
    list,
  );
}
