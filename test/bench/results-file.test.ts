// bench/RESULTS.md's marked sections: a script's section replaces its old copy in place, lands
// before "## All ratios" the first time, and survives `npm run bench` rewriting the file.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { keepSections, section, sections, withSection, writeSection } from '../../bench/results-file.js';
import { routeOf, userOf } from '../../bench/servers/routes.js';

const REPORT = '# Tessera benchmark results\n\n## Targets\n\nt\n\n## All ratios\n\nr\n';

describe('bench/results-file', () => {
  it('puts a new section before "## All ratios", and replaces it in place the next time', () => {
    const first = withSection(REPORT, section('lost-updates', '## Lost updates\n\n1/50'));
    assert.ok(first.indexOf('1/50') > first.indexOf('## Targets') && first.indexOf('1/50') < first.indexOf('## All ratios'));
    const second = withSection(first, section('lost-updates', '## Lost updates\n\n0/50'));
    assert.equal(sections(second).length, 1);
    assert.ok(second.includes('0/50') && !second.includes('1/50'));
    assert.equal(second.replace(/<!-- section[\s\S]*section:lost-updates -->\n\n/, ''), REPORT);
  });

  it('carries the sections of the old file into a rewritten report, and appends when there is no anchor', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tessera-results-'));
    try {
      const path = join(dir, 'RESULTS.md');
      writeFileSync(path, REPORT);
      writeSection(path, section('lost-updates', 'kept $& $1 text'));
      const rewritten = keepSections(path, REPORT.replace('t\n', 'new numbers\n'));
      assert.ok(rewritten.includes('new numbers') && rewritten.includes('kept $& $1 text'));
      assert.ok(withSection('# only a title\n', section('x', 'body')).endsWith('<!-- /section:x -->\n'));
      assert.equal(readFileSync(path, 'utf8').match(/section:lost-updates -->/g)?.length, 2);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('bench/servers/routes', () => {
  it('maps method and path to the four routes, ignoring the query string', () => {
    assert.equal(routeOf('POST', '/login?u=a'), 'login');
    assert.equal(routeOf('GET', '/read'), 'read');
    assert.equal(routeOf('POST', '/read'), undefined);
    assert.equal(routeOf('GET', '/modify'), undefined);
    assert.equal(routeOf('POST', '/create'), 'create');
    assert.equal(userOf('/login?u=user-7'), 'user-7');
    assert.equal(userOf('http://127.0.0.1:1/login'), 'anonymous');
  });
});
