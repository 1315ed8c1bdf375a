/**
 * The end of one Koa request for its session: the commit runs once, whoever asks first (the
 * middleware once the downstream chain is done, or the response hold when the app writes to
 * `ctx.res` itself), and its headers go onto the Node response before its head.
 *
 * @module
 */
import type { ServerResponse } from 'node:http';
import type { CommitResult } from '../../core/engine-types.js';
import { TesseraError } from '../../core/errors.js';
import type { SessionManager, TypedSession } from '../../core/manager.js';
import { applyCommit } from '../node/apply-commit.js';

const ignore = (): void => {};

/** One request's session, from load to commit. */
export class RequestCommit {
  /** The request's session (`ctx.session`). */
  readonly session: TypedSession<object>;
  readonly #manager: SessionManager<object>;
  readonly #res: ServerResponse;
  readonly #ctx: { secure: boolean; cookieName: string };
  /** `ctx.session = null` started a destroy; the commit waits for it. */
  #destroying: Promise<void> | undefined;
  #started = false;
  /** The commit's outcome once it is asynchronous (or failed); `undefined` for a synchronous success. */
  #outcome: Promise<void> | undefined;
  /** The commit has finished, successfully or not. */
  #settled = false;
  /** What the commit failed with, so the hold's report of the same failure is recognised. */
  #error: unknown;

  constructor(manager: SessionManager<object>, session: TypedSession<object>, res: ServerResponse, ctx: { secure: boolean; cookieName: string }) {
    this.#manager = manager;
    this.session = session;
    this.#res = res;
    this.#ctx = ctx;
  }

  /**
   * `ctx.session = null` (koa-session's way to end a session): destroys it now (later writes to
   * it are not saved) and makes the commit wait for the store's delete and clear the cookie.
   */
  destroy(): void {
    if (this.#destroying !== undefined) return;
    const destroying = this.session.destroy();
    // Reported by the commit, which awaits it; until then the rejection is not "unhandled".
    destroying.catch(ignore);
    this.#destroying = destroying;
  }

  /** True once the commit was asked for. */
  get started(): boolean {
    return this.#started;
  }

  /** True when `error` is this commit's own failure (already on its way to Koa's error path). */
  isCommitError(error: unknown): boolean {
    return this.#started && this.#error === error && error !== undefined;
  }

  /**
   * Runs the commit the first time; every later call answers with the same outcome: `undefined`
   * when it succeeded synchronously (the common read-only request), a Promise otherwise. Throws
   * (or rejects) with the store's `StoreError` or the core's `TesseraError`. `streamed`: the
   * body goes out after the head (a stream), so the session may still change after this
   * commit (the cookie cache then sends no copy).
   */
  commit(streamed = false): Promise<void> | undefined {
    if (this.#started) return this.#outcome;
    this.#started = true;
    let pending: Promise<void> | undefined;
    try {
      pending = this.#run(streamed);
    } catch (error) {
      this.#fail(error);
      throw error;
    }
    if (pending === undefined) {
      this.#settled = true;
      return undefined;
    }
    const outcome = pending.then(
      () => {
        this.#settled = true;
      },
      (error: unknown) => {
        this.#fail(error);
        throw error;
      },
    );
    outcome.catch(ignore);
    this.#outcome = outcome;
    return outcome;
  }

  /**
   * The commit as the response hold asks for it (the app wrote to `ctx.res` itself): the same
   * single commit, its cookies already on the response, so the hold adds none of its own. Once
   * the middleware has committed, the hold lets the response through at once; if the app
   * writes while the middleware's commit is still running, it waits for it, and a failure
   * there is the middleware's to report.
   */
  forHold(streamed: boolean): Promise<undefined> | undefined {
    if (!this.#started) {
      const outcome = this.commit(streamed);
      if (outcome === undefined) return undefined;
      const held = outcome.then(() => undefined);
      held.catch(ignore);
      // Later callers (the middleware) wait on this very promise: their reactions run after the
      // hold's, so a failed hold has already dropped the response and reset it when they see
      // the error, and the response's state they then read is the real one.
      this.#outcome = held;
      return held;
    }
    if (this.#settled || this.#outcome === undefined) return undefined;
    return this.#outcome.then(
      () => undefined,
      () => undefined,
    );
  }

  #fail(error: unknown): void {
    this.#settled = true;
    this.#error = error;
    if (this.#outcome === undefined) {
      const failed = Promise.reject(error);
      failed.catch(ignore);
      this.#outcome = failed;
    }
  }

  #run(streamed: boolean): Promise<void> | undefined {
    const destroying = this.#destroying;
    if (destroying !== undefined) return destroying.then(() => this.#commitNow(streamed));
    return this.#commitNow(streamed);
  }

  #commitNow(streamed: boolean): Promise<void> | undefined {
    const result = this.#manager.commitNow(this.session, streamed ? { ...this.#ctx, streamed } : this.#ctx);
    if (result instanceof Promise) return result.then((r) => this.#apply(r));
    this.#apply(result);
    return undefined;
  }

  /**
   * Puts the commit's headers and cookies on the response, through Node's own `setHeader` (to
   * the app a held response may already look sent; its head has not really gone out). Cookies
   * are appended: the app's own `Set-Cookie` lines stay.
   */
  #apply(result: CommitResult): void {
    const res = this.#res;
    try {
      applyCommit(res, result);
    } catch (error) {
      if ((error as { code?: unknown }).code !== 'ERR_HTTP_HEADERS_SENT') throw error;
      throw new TesseraError('ERR_HEADERS_SENT', 'the session cookie could not be sent: the response headers were already sent by code that bypassed the session middleware', {
        cause: error,
      });
    }
  }
}
