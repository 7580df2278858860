import { randomBytes } from 'node:crypto';
import { chmod, mkdir, open, readFile, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';

/**
 * The CLI's sign-in on disk: `<config dir>/token.json`, readable by its owner only (file 0600,
 * directory 0700), replaced atomically (written to a temporary file beside it, flushed, renamed), so
 * a crash or a second `factory` process never sees half a token file.
 */

export const storedTokenSchema = z.object({
  version: z.literal(1),
  /** The provider it came from: a token of another provider is not this one's sign-in. */
  discoveryUrl: z.string(),
  issuer: z.string(),
  clientId: z.string(),
  accessToken: z.string().min(1),
  /** ISO time the access token expires, from the token response's expires_in. */
  expiresAt: z.string(),
  refreshToken: z.string().min(1).optional(),
  refreshExpiresAt: z.string().optional(),
  idToken: z.string().min(1).optional(),
  scope: z.string().optional(),
});

export type StoredToken = z.infer<typeof storedTokenSchema>;

export const tokenFile = (configDir: string): string => join(configDir, 'token.json');

export type ReadResult = { kind: 'absent' } | { kind: 'unreadable'; reason: string } | { kind: 'ok'; token: StoredToken };

export async function readToken(configDir: string): Promise<ReadResult> {
  let text: string;
  try {
    text = await readFile(tokenFile(configDir), 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { kind: 'absent' };
    return { kind: 'unreadable', reason: `cannot read ${tokenFile(configDir)}: ${(error as Error).message}` };
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { kind: 'unreadable', reason: `${tokenFile(configDir)} is not JSON` };
  }
  const parsed = storedTokenSchema.safeParse(json);
  // The issues name fields, never values: the file holds secrets.
  if (!parsed.success) return { kind: 'unreadable', reason: `${tokenFile(configDir)} is not a token file (${parsed.error.issues.map((i) => i.path.join('.') || '(root)').join(', ')})` };
  return { kind: 'ok', token: parsed.data };
}

export async function writeToken(configDir: string, token: StoredToken): Promise<void> {
  await mkdir(configDir, { recursive: true, mode: 0o700 });
  // mkdir leaves an existing directory's mode alone; ours must not be readable by others.
  if (((await stat(configDir)).mode & 0o077) !== 0) await chmod(configDir, 0o700);
  const target = tokenFile(configDir);
  const temporary = join(configDir, `.token.json.${process.pid}.${randomBytes(4).toString('hex')}`);
  // 'wx' with mode 0600: the file is never readable by others, not even for a moment, and never follows a planted link.
  const handle = await open(temporary, 'wx', 0o600);
  try {
    await handle.writeFile(`${JSON.stringify(storedTokenSchema.parse(token), null, 2)}\n`);
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
}

/** True when there was a token to delete. */
export async function deleteToken(configDir: string): Promise<boolean> {
  try {
    await rm(tokenFile(configDir));
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw error;
  }
}
