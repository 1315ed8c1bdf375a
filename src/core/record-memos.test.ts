// The engine's per-process memos (record-memos.ts) answer exactly what the work they save would.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { SessionManager } from '../session-manager.js';
import { signId } from './signature.js';
import { hashStoreKey } from './keys.js';
import { TEST_SECRET } from '../../test/helpers/session-client.js';

describe('engine memos: signed cookie values', () => {
  it('sign with the secret asked for, also when it changes between writes of one session (rotation)', () => {
    const manager = new SessionManager({ secret: TEST_SECRET, warn: () => {} });
    const other = 'another secret of at least thirty-two characters';
    const buffer = randomBytes(32);
    for (const secret of [TEST_SECRET, TEST_SECRET, other, TEST_SECRET, buffer, buffer, other]) {
      assert.equal(manager.memos.signedId('id-1', secret), signId('id-1', secret));
    }
    buffer[0] = (buffer[0] as number) ^ 1;
    assert.equal(manager.memos.signedId('id-1', buffer), signId('id-1', buffer), 'a Buffer changed in place');
  });

  it('a rotated secret signs the next write of a session: its cookie verifies under the new secret only', async () => {
    const secrets = [TEST_SECRET];
    const manager = new SessionManager<{ n?: number }>({ secret: secrets, warn: () => {} });
    const { session } = await manager.loadSession({ cookieHeader: undefined, secure: false });
    session.n = 1;
    const first = (await manager.commitSession(session, { secure: false, cookieName: 'sid' })).setCookie!;
    const rotated = ['a new secret of at least thirty-two characters', TEST_SECRET];
    session.n = 2;
    const second = (await manager.commitNow(session, { secure: false, cookieName: 'sid', secrets: rotated })).setCookie!;
    const value = (line: string): string => decodeURIComponent(line.split(';', 1)[0]!.slice('sid='.length));
    assert.equal(value(first), signId(session.id, TEST_SECRET));
    assert.equal(value(second), signId(session.id, rotated[0]!));
  });
});

describe('engine memos: hashed store keys', () => {
  it('give the SHA-256 store key of each ID, through churn beyond the memo', () => {
    const manager = new SessionManager({ secret: TEST_SECRET, warn: () => {} });
    for (let round = 0; round < 2; round++) {
      for (let i = 0; i < 25_000; i += 7) assert.equal(manager.memos.hashedKey(`id-${i}`), hashStoreKey(`id-${i}`));
    }
    assert.equal(manager.storeKey('abc'), hashStoreKey('abc'));
  });
});
