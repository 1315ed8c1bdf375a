/**
 * The demo's two users. Their passwords are shown on the login page (it is a demo), but they
 * are still handled the way real ones should be: hashed at startup with scrypt and a random
 * salt, and checked with a constant-time comparison.
 *
 * @module
 */
import { randomBytes, scrypt as scryptCallback, timingSafeEqual, type BinaryLike } from 'node:crypto';
import { promisify } from 'node:util';

const scrypt = promisify(scryptCallback) as (password: BinaryLike, salt: BinaryLike, keylen: number) => Promise<Buffer>;
const KEY_LENGTH = 32;

/** A user who can sign in. */
export interface DemoUser {
  username: string;
  displayName: string;
}

/** A user with the password shown on the login page. */
export interface DemoCredentials extends DemoUser {
  password: string;
}

/** The demo's users. */
export const DEMO_USERS: readonly DemoCredentials[] = [
  { username: 'alice', displayName: 'Alice', password: 'wonderland' },
  { username: 'bob', displayName: 'Bob', password: 'builder' },
];

interface StoredUser extends DemoUser {
  salt: Buffer;
  hash: Buffer;
}

/** Checks usernames and passwords against salted scrypt hashes. */
export interface UserDirectory {
  /** The user for a correct username and password, or `undefined`. */
  verify(username: string, password: string): Promise<DemoUser | undefined>;
  /** The user called `username`, or `undefined`. */
  find(username: string): DemoUser | undefined;
}

async function hashPassword(password: string, salt: Buffer): Promise<Buffer> {
  return scrypt(password.normalize('NFKC'), salt, KEY_LENGTH);
}

/** Hashes the users' passwords (each with its own random salt) and returns the directory. */
export async function createUserDirectory(users: readonly DemoCredentials[] = DEMO_USERS): Promise<UserDirectory> {
  const byName = new Map<string, StoredUser>();
  for (const { username, displayName, password } of users) {
    const salt = randomBytes(16);
    byName.set(username, { username, displayName, salt, hash: await hashPassword(password, salt) });
  }
  // An unknown username is checked against this, so it takes as long as a known one and the
  // response time does not tell which usernames exist.
  const decoy: StoredUser = { username: '', displayName: '', salt: randomBytes(16), hash: randomBytes(KEY_LENGTH) };

  return {
    async verify(username, password) {
      const user = byName.get(username);
      const hash = await hashPassword(password, (user ?? decoy).salt);
      const match = timingSafeEqual(hash, (user ?? decoy).hash);
      return match && user ? { username: user.username, displayName: user.displayName } : undefined;
    },
    find(username) {
      const user = byName.get(username);
      return user ? { username: user.username, displayName: user.displayName } : undefined;
    },
  };
}
