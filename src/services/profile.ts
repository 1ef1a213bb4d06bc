/**
 * The account page's profile and support: change the display name, set or remove a small avatar
 * (a picture of at most 256 KB and 1024 × 1024 px, PNG, JPEG or WebP, checked from its header
 * before it is stored under the user's storage prefix), and messages to support, stored with the
 * account: in its export (support.json, avatar) and gone when it is deleted.
 */
import { concatChunks } from '../domain/bytes.ts';
import { newId } from '../domain/ids.ts';
import { ServiceError, notFound } from '../domain/errors.ts';
import type { BlobStorage } from '../domain/storage.ts';
import { storageKeys } from '../domain/storage.ts';
import type { ProfileRepository, SupportMessage } from '../repositories/profile.ts';
import type { ReadImageHeader } from './inspect-upload.ts';
import { sniffContent } from './sniff-content.ts';
import { readChunks } from './web-stream.ts';

export const AVATAR_LIMITS = { maxBytes: 256 * 1024, maxSide: 1024, formats: ['png', 'jpeg', 'webp'] } as const;
export const SUPPORT_LIMITS = { subject: 200, body: 5000, listed: 50 } as const;
/** The URL the avatar is served at; `v` changes with each new picture so caches never show an old one. */
const avatarUrl = (version: string) => `/api/v1/account/avatar?v=${version}`;

export interface ProfileServiceDeps {
  profile: ProfileRepository;
  storage: Pick<BlobStorage, 'put' | 'stream' | 'size' | 'delete'>;
  readImageHeader: ReadImageHeader;
  clock: () => number;
}

export interface ProfileView {
  name: string;
  email: string;
  avatarUrl: string | null;
}
export interface SupportMessageView {
  id: string;
  subject: string;
  message: string;
  createdAt: number;
}

export const supportMessageView = (m: SupportMessage): SupportMessageView => ({
  id: m.id,
  subject: m.subject,
  message: m.body,
  createdAt: m.created_at,
});

export function createProfileService(deps: ProfileServiceDeps) {
  const { profile, storage, clock } = deps;

  async function get(userId: string): Promise<ProfileView> {
    const row = await profile.find(userId);
    if (!row) throw notFound('the account');
    return { name: row.name, email: row.email, avatarUrl: row.image?.startsWith('/api/v1/account/avatar') ? row.image : null };
  }

  return {
    get,
    async rename(userId: string, name: string): Promise<ProfileView> {
      const clean = name.replace(/[\u0000-\u001f\u007f]/g, '').trim();
      if (!clean) throw ServiceError.of('invalid_request', 'the name cannot be empty');
      await profile.setName(userId, clean.slice(0, 100), clock());
      return get(userId);
    },

    async setAvatar(userId: string, bytes: Uint8Array): Promise<ProfileView> {
      if (bytes.byteLength > AVATAR_LIMITS.maxBytes)
        throw ServiceError.of('file_too_large', `an avatar may be at most ${AVATAR_LIMITS.maxBytes / 1024} KB`, {
          maxBytes: AVATAR_LIMITS.maxBytes,
        });
      const sniffed = sniffContent(bytes);
      if (sniffed?.kind !== 'image' || !(AVATAR_LIMITS.formats as readonly string[]).includes(sniffed.format))
        throw ServiceError.of('unsupported_media_type', 'an avatar must be a PNG, JPEG or WebP picture');
      const header = await deps.readImageHeader(bytes);
      if (header.width > AVATAR_LIMITS.maxSide || header.height > AVATAR_LIMITS.maxSide)
        throw ServiceError.of('image_too_large', `an avatar may be at most ${AVATAR_LIMITS.maxSide} × ${AVATAR_LIMITS.maxSide} px`, {
          maxSide: AVATAR_LIMITS.maxSide,
        });
      const stored = await storage.put(storageKeys.avatar(userId), [bytes], { maxBytes: AVATAR_LIMITS.maxBytes });
      await profile.setImage(userId, avatarUrl(stored.sha256.slice(0, 12)), clock());
      return get(userId);
    },

    async removeAvatar(userId: string): Promise<ProfileView> {
      await profile.setImage(userId, null, clock());
      await storage.delete(storageKeys.avatar(userId));
      return get(userId);
    },

    /** The stored avatar, for GET /account/avatar (owner only); small, so read whole and typed by its content. */
    async avatar(userId: string): Promise<{ bytes: Uint8Array; contentType: string }> {
      const key = storageKeys.avatar(userId);
      if ((await storage.size(key)) === undefined) throw notFound('the avatar');
      const bytes = await readAll(storage.stream(key));
      const sniffed = sniffContent(bytes);
      return { bytes, contentType: sniffed?.kind === 'image' ? `image/${sniffed.format}` : 'application/octet-stream' };
    },

    async sendSupport(userId: string, input: { subject: string; message: string }): Promise<SupportMessageView> {
      const subject = input.subject.trim();
      const body = input.message.trim();
      if (!subject || !body) throw ServiceError.of('invalid_request', 'write a subject and a message');
      const row: SupportMessage = {
        id: newId('sup'),
        user_id: userId,
        subject: subject.slice(0, SUPPORT_LIMITS.subject),
        body: body.slice(0, SUPPORT_LIMITS.body),
        created_at: clock(),
      };
      await profile.addSupportMessage(row);
      return supportMessageView(row);
    },

    supportMessages: async (userId: string): Promise<SupportMessageView[]> =>
      (await profile.supportMessages(userId, SUPPORT_LIMITS.listed)).map(supportMessageView),
  };
}

async function readAll(stream: ReadableStream<Uint8Array>): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  for await (const chunk of readChunks(stream)) parts.push(chunk);
  return concatChunks(
    parts,
    parts.reduce((n, p) => n + p.byteLength, 0),
  );
}

export type ProfileService = ReturnType<typeof createProfileService>;
