/** The in-memory (Node) implementations of the per-process state ports, against their contracts. */
import { createRateLimiter } from '../../src/http/rate-limit.ts';
import { createSessionCache } from '../../src/http/session-cache.ts';
import { createJobEventBus } from '../../src/jobs/event-bus.ts';
import { jobEventBusContract, rateLimiterContract, sessionCacheContract } from '../contracts/per-process-state.contract.ts';

rateLimiterContract('in memory', createRateLimiter);
sessionCacheContract('in memory', createSessionCache);
jobEventBusContract('in memory', createJobEventBus);
