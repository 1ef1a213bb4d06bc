/**
 * The per-process state ports (rate limiter, session cache, job event bus), each run against every
 * implementation from the same assertions: in memory on Node (`npm test`) and Durable Objects
 * inside workerd (`npm run test:workers`). Keys and job ids are fresh per test, so objects that
 * outlive a test cannot leak counts into the next.
 */
import { describe, expect, it, vi } from 'vitest';
import type { JobEventBus, JobEventMessage } from '../../src/domain/job-events.ts';
import type { RateLimiter } from '../../src/domain/rate-limiter.ts';
import type { SessionCache } from '../../src/domain/session-cache.ts';

/** A clock the test moves; starts at an arbitrary epoch. */
export function testClock() {
  let now = 1_800_000_000_000;
  return { now: () => now, advance: (ms: number) => void (now += ms) };
}

const fresh = (prefix: string) => `${prefix}-${crypto.randomUUID()}`;

export function rateLimiterContract(backend: string, make: (name: string, perMinute: number, clock: () => number) => RateLimiter): void {
  describe(`RateLimiter contract: ${backend}`, () => {
    it('lets perMinute hits through, refuses the next with the seconds left, and counts each key apart', async () => {
      const clock = testClock();
      const limiter = make(fresh('upload'), 3, clock.now);
      const key = fresh('ip');
      for (let i = 0; i < 3; i++) expect(await limiter.take(key)).toEqual({ allowed: true, retryAfter: 0 });
      clock.advance(15_000);
      expect(await limiter.take(key)).toEqual({ allowed: false, retryAfter: 45 });
      expect((await limiter.take(fresh('ip'))).allowed).toBe(true);
      expect(limiter).toMatchObject({ perMinute: 3 });
    });

    it('opens a new window a minute after the first hit, and never answers a retry of 0 seconds', async () => {
      const clock = testClock();
      const limiter = make(fresh('job'), 1, clock.now);
      const key = fresh('user');
      expect((await limiter.take(key)).allowed).toBe(true);
      clock.advance(59_900);
      expect(await limiter.take(key)).toEqual({ allowed: false, retryAfter: 1 });
      clock.advance(100);
      expect((await limiter.take(key)).allowed).toBe(true);
      expect((await limiter.take(key)).allowed).toBe(false);
    });
  });
}

export function sessionCacheContract(backend: string, make: (ttlMs: number, clock: () => number) => SessionCache): void {
  describe(`SessionCache contract: ${backend}`, () => {
    const ada = () => ({ id: fresh('usr'), email: 'ada@example.com', name: 'Ada' });

    it('remembers a user, and a cookie known to be signed out as null, until the TTL passes', async () => {
      const clock = testClock();
      const cache = make(10_000, clock.now);
      const [signedIn, signedOut, unknown] = [fresh('c'), fresh('c'), fresh('c')];
      const user = ada();
      await cache.set(signedIn, user);
      await cache.set(signedOut, null);
      expect(await cache.get(signedIn)).toEqual(user);
      expect(await cache.get(signedOut)).toBeNull();
      expect(await cache.get(unknown)).toBeUndefined();
      clock.advance(10_001);
      expect(await cache.get(signedIn)).toBeUndefined();
      expect(await cache.get(signedOut)).toBeUndefined();
    });

    it('drops one cookie, or every cookie of a user and only theirs', async () => {
      const clock = testClock();
      const cache = make(60_000, clock.now);
      const [user, other] = [ada(), ada()];
      const [phone, laptop, theirs] = [fresh('c'), fresh('c'), fresh('c')];
      await cache.set(phone, user);
      await cache.set(laptop, user);
      await cache.set(theirs, other);
      await cache.drop(phone);
      expect(await cache.get(phone)).toBeUndefined();
      expect(await cache.get(laptop)).toEqual(user);
      await cache.set(phone, user);
      await cache.dropUser(user.id);
      expect(await cache.get(phone)).toBeUndefined();
      expect(await cache.get(laptop)).toBeUndefined();
      expect(await cache.get(theirs)).toEqual(other);
    });
  });
}

export function jobEventBusContract(backend: string, make: () => JobEventBus): void {
  describe(`JobEventBus contract: ${backend}`, () => {
    let nextId = 1;
    const event = (jobId: string, type: JobEventMessage['type'] = 'stage', data: Record<string, unknown> = {}): JobEventMessage => ({
      id: nextId++,
      jobId,
      type,
      data,
    });

    it('delivers what is published after the subscription, in order, and nothing from before', async () => {
      const bus = make();
      const jobId = fresh('job');
      await bus.publish(event(jobId, 'queued'));
      const seen: JobEventMessage[] = [];
      const unsubscribe = await bus.subscribe(jobId, (e) => seen.push(e));
      const sent = [
        event(jobId, 'started'),
        ...[10, 40, 80].map((percent) => event(jobId, 'stage', { stage: 'mesh', percent })),
        event(jobId, 'succeeded'),
      ];
      for (const e of sent) await bus.publish(e);
      await vi.waitFor(() => expect(seen).toHaveLength(sent.length));
      expect(seen).toEqual(sent);
      unsubscribe();
    });

    it('keeps the order of publishes issued without waiting for each other', async () => {
      const bus = make();
      const jobId = fresh('job');
      const seen: JobEventMessage[] = [];
      const unsubscribe = await bus.subscribe(jobId, (e) => seen.push(e));
      const sent = Array.from({ length: 20 }, (_, i) => event(jobId, 'stage', { stage: 'mesh', percent: i * 5 }));
      await Promise.all(sent.map((e) => bus.publish(e)));
      await vi.waitFor(() => expect(seen).toHaveLength(sent.length));
      expect(seen.map((e) => e.id)).toEqual(sent.map((e) => e.id));
      unsubscribe();
    });

    it('fans out to every subscriber of the job and to no other job', async () => {
      const bus = make();
      const [jobId, otherJob] = [fresh('job'), fresh('job')];
      const [a, b, other]: JobEventMessage[][] = [[], [], []];
      const stops = [
        await bus.subscribe(jobId, (e) => a.push(e)),
        await bus.subscribe(jobId, (e) => b.push(e)),
        await bus.subscribe(otherJob, (e) => other.push(e)),
      ];
      const mine = event(jobId, 'started');
      await bus.publish(mine);
      const theirs = event(otherJob, 'failed', { code: 'timeout' });
      await bus.publish(theirs);
      await vi.waitFor(() => expect(other).toEqual([theirs]));
      await vi.waitFor(() => expect([a, b]).toEqual([[mine], [mine]]));
      for (const stop of stops) stop();
    });

    it('stops delivering after unsubscribe; a listener that throws stops no one', async () => {
      const bus = make();
      const jobId = fresh('job');
      const [gone, stays]: JobEventMessage[][] = [[], []];
      const stop = await bus.subscribe(jobId, (e) => gone.push(e));
      const stopThrowing = await bus.subscribe(jobId, () => {
        throw new Error('a broken stream');
      });
      const stopStays = await bus.subscribe(jobId, (e) => stays.push(e));
      const first = event(jobId, 'started');
      await bus.publish(first);
      await vi.waitFor(() => expect(gone).toEqual([first]));
      stop();
      const second = event(jobId, 'cancelled');
      await bus.publish(second);
      // The one still subscribed got the later event, so the unsubscribed one had its chance too.
      await vi.waitFor(() => expect(stays).toEqual([first, second]));
      expect(gone).toEqual([first]);
      stopThrowing();
      stopStays();
    });

    it('publishing to a job nobody follows is a no-op, not an error', async () => {
      await expect(make().publish(event(fresh('job')))).resolves.toBeUndefined();
    });
  });
}
