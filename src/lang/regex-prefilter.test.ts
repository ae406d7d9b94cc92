/**
 * The regex prefilter may only ever refuse values the regex refuses: checked on every regex of
 * Vigil's and Falco's rule files over values built from the patterns' own words (so that many
 * match), and on known matches; and it names the words it should.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { RE2JS } from 're2js';
import { corpusPath } from '../../test/support/corpus.js';
import { regexPrefilter } from './regex-prefilter.js';

function rulePatterns(): string[] {
  const dirs = [new URL('../../rules/', import.meta.url).pathname, corpusPath('falco/rules')].filter((d) => existsSync(d));
  const out = new Set<string>();
  for (const d of dirs) {
    for (const f of readdirSync(d).filter((n) => n.endsWith('.yaml'))) {
      for (const m of readFileSync(join(d, f), 'utf8').matchAll(/regex '([^']*)'|regex "([^"]*)"/g)) out.add((m[1] ?? m[2]) as string);
    }
  }
  return [...out];
}

/** A small deterministic generator (tests must be repeatable). */
function rng(seed: number): () => number {
  let x = seed >>> 0;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 0x100000000;
  };
}

/** Values assembled from the pattern's literal fragments, separators and noise, some upper-cased. */
function samples(pattern: string, n: number, seed: number): string[] {
  const words = pattern.split(/[()|?*+[\]{}^$\\]+/).filter((w) => w !== '' && !/^[0-9,]+$/.test(w));
  const glue = [' ', '/', '.', '-', '_', '', 'x', '"', ':', '>', '&', '1', 'A'];
  const r = rng(seed);
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    let s = '';
    const parts = 1 + Math.floor(r() * 5);
    for (let k = 0; k < parts; k++) {
      s += glue[Math.floor(r() * glue.length)] as string;
      if (words.length > 0) s += words[Math.floor(r() * words.length)] as string;
    }
    out.push(r() < 0.2 ? s.toUpperCase() : s);
  }
  return out;
}

describe('regex prefilter', () => {
  it('never refuses a value the regex matches, on every regex of the rule files', () => {
    const patterns = rulePatterns();
    assert.ok(patterns.length >= 15, `${patterns.length} patterns`);
    let matched = 0;
    let filtered = 0;
    for (const [i, p] of patterns.entries()) {
      const re = RE2JS.compile(p);
      const words = regexPrefilter(p);
      if (words === undefined) continue;
      filtered++;
      for (const v of samples(p, 3000, i + 1)) {
        if (!re.matches(v)) continue;
        matched++;
        assert.ok(words.test(v), `${p} matches ${JSON.stringify(v)} but the prefilter ${String(words)} refuses it`);
      }
    }
    assert.ok(filtered >= 12, `${filtered} patterns have a prefilter`);
    assert.ok(matched > 500, `${matched} matching values compared: the samples must exercise matches`);
  });

  it('keeps the known matches of Vigil\'s ransomware and token patterns', () => {
    const cases: [string, string][] = [
      ["(?i).*[.](locked|encrypted|encrypt|enc[0-9]+|crypt|crypted|crypto|cry|lockbit|lockbit3|ransom|pay2key|akira|royal|basta|rhysida|babyk|blackcat|conti|ryk|ryuk)", '/data/Q3 Report.XLSX.LockBit3'],
      ["(?i).*[.](locked|encrypted|encrypt|enc[0-9]+|crypt|crypted|crypto|cry|lockbit|lockbit3|ransom|pay2key|akira|royal|basta|rhysida|babyk|blackcat|conti|ryk|ryuk)", '/srv/db.enc42'],
      ['(?i).*(how[_ -]?to[_ -]?(decrypt|restore|recover|get[_ -]?back)|readme[_ -]?for[_ -]?decrypt|decrypt[_ -]?(instructions|my[_ -]?files|your[_ -]?files)|restore[_ -]?(my|your)[_ -]?files|your[_ -]?files[_ -]?are[_ -]?encrypted|ransom[_ -]?note).*', 'HOW_TO_GET BACK.txt'],
      ['.*secrets/(kubernetes[.]io|eks[.]amazonaws[.]com)/serviceaccount/([.][.]data/)?token.*', 'cat /var/run/secrets/kubernetes.io/serviceaccount/..data/token'],
      ['i-[0-9a-fA-F]{8,17}', 'i-0abc12345def67890'],
    ];
    for (const [p, v] of cases) {
      assert.ok(RE2JS.compile(p).matches(v), `${p} should match ${v}`);
      assert.ok(regexPrefilter(p)?.test(v), `prefilter of ${p} refuses ${v}`);
    }
  });

  it('names the words every match needs, joining runs of literals', () => {
    assert.equal(String(regexPrefilter('.*secrets/(kubernetes[.]io|eks[.]amazonaws[.]com)/serviceaccount/([.][.]data/)?token.*')), String(/secrets\/kubernetes\.io\/serviceaccount\/|secrets\/eks\.amazonaws\.com\/serviceaccount\//));
    assert.equal(String(regexPrefilter('(?i).*[.](locked|enc[0-9]+)')), String(/locked|enc/i));
    assert.equal(String(regexPrefilter('.*"(Days|NoncurrentDays)":"?[1-7]"?[,}].*')), String(/"Days":|"NoncurrentDays":/));
  });

  it('gives none where a match needs no word, or the pattern uses what it does not model', () => {
    for (const p of ['.*', '(a|.*)', 'a?b?', '[a-z]+', '(?s)secret.*', 'x(?i)secret', '\\psecret', '\\Qsecret\\E', 'caf\u00e9s', 'a{2', '(unclosed', 'x**', 'a.b']) {
      assert.equal(regexPrefilter(p), undefined, p);
    }
  });
});
