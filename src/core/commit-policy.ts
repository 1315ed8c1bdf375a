/**
 * When a request's session is written, touched, and given a cookie: the rules of
 * express-session (which its users rely on), as one pure function of the session's state and
 * three options, so the native API and the drop-in share them and they can be tested alone.
 *
 * @module
 */

/** The options the rules depend on. */
export interface CommitPolicyOptions {
  saveUninitialized: boolean;
  rolling: boolean;
}

/** What is known about the session at the end of the request. */
export interface CommitFacts {
  /** The session was created by this request (or regenerated): the client has no cookie for its ID. */
  isNew: boolean;
  /** Its data (or ID) differs from what was loaded or created. */
  modified: boolean;
  /** The store already holds exactly this data under this ID (written in this request, or loaded with `resave` off). */
  alreadySaved: boolean;
  /** Anything was written (or counts as written) under this ID in this request. */
  everSaved: boolean;
  /** The cookie has an expiry (not a browser-session cookie). */
  hasExpiry: boolean;
}

/** The decision. */
export interface CommitDecision {
  save: boolean;
  /** Touch (extend the stored expiry) instead, subject to the engine's throttle. */
  touch: boolean;
  sendCookie: boolean;
}

/** Decides what the end of a request does for its session. */
export function decideCommit(options: CommitPolicyOptions, facts: CommitFacts): CommitDecision {
  // An untouched new session is neither stored nor given a cookie unless saveUninitialized asks.
  const save =
    facts.isNew && !options.saveUninitialized && !facts.everSaved ? facts.modified : !facts.alreadySaved;
  return {
    save,
    touch: !save && !facts.isNew,
    // A loaded session's cookie is re-sent only when rolling, or when it has an expiry to move
    // and the data changed; a browser-session cookie is never re-sent just for a change.
    sendCookie: facts.isNew
      ? options.saveUninitialized || facts.modified
      : options.rolling || (facts.hasExpiry && facts.modified),
  };
}
