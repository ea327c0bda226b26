import { open, readFile, rename, rm } from 'node:fs/promises';
import { dirname } from 'node:path';

/** The file's content, or undefined where there is no such file. */
export async function readIfExists(path: string): Promise<Buffer | undefined> {
  return readFile(path).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return undefined;
    throw error;
  });
}

/** Makes created, renamed and removed entries of a directory durable. */
export async function syncDirectory(path: string): Promise<void> {
  const directory = await open(path, 'r');
  try {
    await directory.datasync();
  } finally {
    await directory.close();
  }
}

/**
 * Writes `content` to `temp` (a new file), syncs it and renames it to `target`, then syncs `target`'s directory: a
 * reader finds the old file or the whole new one, never a part, even across a crash.
 */
export async function writeAtomically(temp: string, target: string, content: Buffer): Promise<void> {
  try {
    const file = await open(temp, 'wx');
    try {
      await file.writeFile(content);
      await file.datasync();
    } finally {
      await file.close();
    }
    await rename(temp, target);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
  await syncDirectory(dirname(target));
}
