import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLocalDiskStorage } from '../../src/repositories/storage/local-disk.ts';
import { blobStorageContract } from '../contracts/blob-storage.contract.ts';

blobStorageContract('local disk', async () => createLocalDiskStorage(await mkdtemp(join(tmpdir(), 'its-blob-'))));
