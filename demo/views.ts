/**
 * The demo's HTML pages: plain strings, no template engine. Every value that comes from a
 * request or a session goes through `escapeHtml`.
 *
 * @module
 */
import type { DemoCredentials } from './users.js';

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Escapes text for HTML content and quoted attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c] ?? c);
}

/** The stylesheet; the Content-Security-Policy allows only inline styles, no scripts. */
const STYLE = `
  body { font: 16px/1.5 system-ui, sans-serif; margin: 0; background: #f6f7f9; color: #1d2433; }
  main { max-width: 26rem; margin: 4rem auto; padding: 2rem; background: #fff; border-radius: 8px;
         box-shadow: 0 1px 3px rgb(0 0 0 / 0.12); }
  h1 { font-size: 1.4rem; margin-top: 0; }
  label { display: block; margin: 0.8rem 0 0.2rem; }
  input { width: 100%; box-sizing: border-box; padding: 0.45rem; font: inherit; }
  button { margin-top: 1.2rem; padding: 0.5rem 1.2rem; font: inherit; cursor: pointer; }
  .error { color: #a61b1b; background: #fdecec; padding: 0.5rem 0.8rem; border-radius: 4px; }
  .hint { color: #5a6272; font-size: 0.9rem; }
  table { border-collapse: collapse; } td { padding: 0.1rem 1rem 0.1rem 0; }
  code { background: #eef0f4; padding: 0 0.3rem; border-radius: 3px; }
`;

/** A complete page around `body` (already HTML). */
export function layout(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)} · Tessera demo</title>
<style>${STYLE}</style>
</head>
<body>
<main>
${body}
</main>
</body>
</html>
`;
}

/** The sign-in form, with the demo users' passwords and an optional error. */
export function loginPage(options: { users: readonly DemoCredentials[]; error?: string; username?: string }): string {
  const error = options.error ? `<p class="error" role="alert">${escapeHtml(options.error)}</p>` : '';
  const rows = options.users
    .map((u) => `<tr><td><code>${escapeHtml(u.username)}</code></td><td><code>${escapeHtml(u.password)}</code></td></tr>`)
    .join('');
  return layout(
    'Sign in',
    `<h1>Sign in</h1>
${error}
<form method="post" action="/login">
  <label for="username">Username</label>
  <input id="username" name="username" autocomplete="username" required value="${escapeHtml(options.username ?? '')}">
  <label for="password">Password</label>
  <input id="password" name="password" type="password" autocomplete="current-password" required>
  <button type="submit">Sign in</button>
</form>
<p class="hint">Demo users:</p>
<table>${rows}</table>`,
  );
}

/** The signed-in page: who you are and how many pages this session has seen. */
export function homePage(options: { displayName: string; username: string; visits: number; since: Date }): string {
  return layout(
    'Welcome',
    `<h1>Hello, ${escapeHtml(options.displayName)}</h1>
<p>You are signed in as <strong id="username">${escapeHtml(options.username)}</strong>.</p>
<p>You have seen this page <strong id="visits">${options.visits}</strong> ${options.visits === 1 ? 'time' : 'times'} in this session,
which started at ${escapeHtml(options.since.toISOString())}.</p>
<p class="hint">The session lives in SQLite; restart the server and you stay signed in.
It ends after 30 idle minutes or when you sign out.</p>
<form method="post" action="/logout"><button type="submit">Sign out</button></form>`,
  );
}

/** The page for an unexpected failure (details go to the server log, not to the browser). */
export function errorPage(): string {
  return layout('Error', '<h1>Something went wrong</h1><p>Please try again.</p><p><a href="/">Back</a></p>');
}
