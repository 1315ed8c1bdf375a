// The same project with `import x = require(...)`.
import express = require('express');
import session = require('tessera/express-session');

const app = express();
app.use(session({ secret: 'a'.repeat(32), store: new session.MemoryStore() }));
app.get('/', (req, res) => {
  // @ts-expect-error userId is a string (augmented in app.ts)
  req.session.userId = 1;
  res.end();
});

export = app;
