import { createHash, randomBytes } from 'node:crypto';
import { mkdir, open, readFile, rename, rm, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { AttachmentStorage } from '../core/index.js';

const KEY = /^[0-9a-f]{2}\/[0-9a-f]{64}$/;

/**
 * Keeps attachment bytes in a local folder, named by their SHA-256 (`ab/abcdef…`): the same file sent twice
 * is stored once, and a name from a user never becomes a path. Files are written to a temporary name,
 * flushed to disk, then renamed, so a crash never leaves half a file under a real key.
 */
export class LocalAttachmentStorage implements AttachmentStorage {
  readonly root: string;

  constructor(root: string) {
    this.root = resolve(root);
  }

  async put(bytes: Uint8Array): Promise<{ storageKey: string; sha256: string; size: number }> {
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    const storageKey = `${sha256.slice(0, 2)}/${sha256}`;
    const target = join(this.root, storageKey);
    const existing = await stat(target).catch(() => null);
    if (existing?.size === bytes.byteLength) return { storageKey, sha256, size: bytes.byteLength };
    await mkdir(join(this.root, sha256.slice(0, 2)), { recursive: true });
    const temporary = `${target}.${randomBytes(6).toString('hex')}.tmp`;
    const handle = await open(temporary, 'w');
    try {
      await handle.writeFile(bytes);
      await handle.sync();
    } finally {
      await handle.close();
    }
    try {
      await rename(temporary, target);
    } catch (error) {
      await rm(temporary, { force: true });
      throw error;
    }
    return { storageKey, sha256, size: bytes.byteLength };
  }

  async get(storageKey: string): Promise<Uint8Array> {
    if (!KEY.test(storageKey)) throw new Error(`not an attachment storage key: ${storageKey.slice(0, 80)}`);
    return readFile(join(this.root, storageKey));
  }
}
