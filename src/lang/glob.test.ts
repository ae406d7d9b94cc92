import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { globMatch, pathPrefixMatch, pathPrefixMatcher } from './glob.js';

describe('globMatch (fnmatch without flags)', () => {
  const cases: [string, string, boolean][] = [
    ['*', '', true],
    ['*', '/any/path', true],
    ['/tmp/*', '/tmp/a/b', true], // '*' crosses '/'
    ['*.log', 'app.log', true],
    ['*.log', 'app.log.1', false],
    ['a?c', 'abc', true],
    ['a?c', 'ac', false],
    ['[abc]x', 'bx', true],
    ['[!abc]x', 'bx', false],
    ['[^abc]x', 'dx', true],
    ['[a-c]1', 'b1', true],
    ['[a-c]1', 'd1', false],
    ['[]]', ']', true],
    ['[', '[', true],
    ['\\*', '*', true],
    ['\\*', 'a', false],
    ['*a*b*c', 'xxaxxbxxc', true],
    ['*a*b*c', 'xxaxxcxxb', false],
    ['', '', true],
    ['', 'a', false],
  ];
  for (const [pattern, text, want] of cases) {
    it(`${JSON.stringify(pattern)} ${want ? 'matches' : 'does not match'} ${JSON.stringify(text)}`, () => {
      assert.equal(globMatch(pattern, text), want);
    });
  }

  it('folds case for iglob', () => {
    assert.equal(globMatch('/ETC/*.CONF', '/etc/app.conf', true), true);
    assert.equal(globMatch('/ETC/*.CONF', '/etc/app.conf'), false);
  });

  it('agrees with a regex translation on star-and-literal patterns, and stays fast on hostile ones', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[ab*]{0,8}$/), fc.stringMatching(/^[ab]{0,12}$/), (pattern, text) => {
        const re = new RegExp(`^${pattern.replaceAll('*', '.*')}$`, 's');
        assert.equal(globMatch(pattern, text), re.test(text));
      }),
      { numRuns: 2000 },
    );
    const hostile = `${'*a'.repeat(30)}b`;
    const t0 = Date.now();
    assert.equal(globMatch(hostile, 'a'.repeat(5000)), false);
    assert.ok(Date.now() - t0 < 2000);
  });
});

describe('pathPrefixMatch (pmatch)', () => {
  // the libs pmatch test cases against fd.name=/opt/dir/subdir/file.txt
  const path = '/opt/dir/subdir/file.txt';
  const cases: [string[], boolean][] = [
    [['/opt/dir'], true],
    [['/opt/dir/subdir'], true],
    [['/opt/dir2'], false],
    [['/opt/dir', '/opt/dir2'], true],
    [['/opt/dir3', '/opt/dir2'], false],
    [['/opt/*'], true],
    [['/opt/*/subdir'], true],
    [['/opt/di?/subdir'], true],
    [['/opt/dii?/subdir'], false],
    [['/opt/di[r]/subdir'], true],
    [['/opt/di[!r]/subdir'], false],
    [['/opt/di[t]/subdir'], false],
    [['/opt/di/subdir'], false],
    [['/opt/*/subdir2'], false],
    [['/opt/*/*'], true],
    [['/opt/*/*/subsubdir'], false],
  ];
  for (const [prefixes, want] of cases) {
    it(`(${prefixes.join(', ')}) ${want ? 'covers' : 'does not cover'} ${path}`, () => {
      assert.equal(pathPrefixMatch(prefixes, path), want);
    });
  }
});

describe('pathPrefixMatcher', () => {
  // Component by component, on any spelling of the path: the reference splits both sides.
  function reference(prefixes: readonly string[], path: string): boolean {
    const split = (p: string) => p.split('/').filter((c) => c !== '');
    const parts = split(path);
    return prefixes.some((p) => {
      const want = split(p);
      return want.length <= parts.length && want.every((w, i) => globMatch(w, parts[i] as string));
    });
  }
  const prefixes = [['/var/run/secrets/kubernetes.io/serviceaccount'], ['/etc/', '/root'], ['/'], ['/opt/*/bin', '/srv'], ['relative/dir']];
  const paths = [
    '/var/run/secrets/kubernetes.io/serviceaccount/token', '/var/run/secrets/kubernetes.io/serviceaccount', '/var/run/secrets/kubernetes.io/serviceaccountX/token',
    '/var//run/secrets/kubernetes.io/serviceaccount/token', '/var/run/./secrets/kubernetes.io/serviceaccount/token', '/etc', '/etc/', '/etcetera/passwd', '/root/.ssh/id_rsa',
    '/opt/app/bin/x', '/opt/app/lib/x', '/srv/../etc/passwd', 'relative/dir/file', '', '/', 'etc/passwd',
  ];
  for (const ps of prefixes) {
    it(`agrees with splitting both sides for (${ps.join(', ')})`, () => {
      const m = pathPrefixMatcher(ps);
      for (const p of paths) assert.equal(m(p), reference(ps, p), `${JSON.stringify(p)}`);
    });
  }
});
