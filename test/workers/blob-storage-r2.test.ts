import { createR2Storage } from '../../src/repositories/storage/r2.ts';
import { blobStorageContract } from '../contracts/blob-storage.contract.ts';
import { bindings } from './env.ts';

blobStorageContract('R2 (workerd)', async () => createR2Storage(bindings.FILES));
