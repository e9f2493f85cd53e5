// Build-time check of redirects.json: `npm test` fails on an unsafe or looping rule.
import { describe, expect, it } from 'vitest';
import { checkRules } from '../src/redirects.mjs';
import redirectRules from '../redirects.json';

const allowedHosts = ['docs.example.com'];
/** @param {...import('../src/redirects.mjs').RedirectRule} rules */
const problemsOf = (...rules) => checkRules({ allowedHosts, rules });

describe('redirects.json', () => {
  it('is a safe rule set', () => {
    expect(checkRules(redirectRules)).toEqual([]);
  });
});

describe('checkRules', () => {
  it.each([
    ['a protocol-relative target', '//evil.example/login'],
    ['a backslash target', '/\\evil.example'],
    ['a host that is not allowed', 'https://evil.example/'],
    ['plain http', 'http://docs.example.com/'],
    ['a javascript: URL', 'javascript:alert(1)'],
    ['credentials pointing elsewhere', 'https://docs.example.com@evil.example/'],
    ['a relative target without a slash', 'evil.example'],
  ])('refuses %s', (_name, target) => {
    expect(problemsOf({ source: '/a', target, status: 301 })).toEqual([expect.stringContaining('target must be')]);
  });

  it('refuses statuses that are not redirects browsers follow safely', () => {
    expect(problemsOf({ source: '/a', target: '/b', status: 303 })).toEqual([expect.stringContaining('status must be')]);
  });

  it('refuses a source given twice, even with a trailing slash', () => {
    const problems = problemsOf({ source: '/a', target: '/b', status: 301 }, { source: '/a/', target: '/c', status: 301 });
    expect(problems).toEqual([expect.stringContaining('repeats rule 1')]);
  });

  it('refuses a rule that loops to itself', () => {
    expect(problemsOf({ source: '/a', target: '/a?x=1', status: 302 })).toEqual([expect.stringContaining('loops to itself')]);
  });

  it('refuses loops and chains between rules', () => {
    const problems = problemsOf({ source: '/a', target: '/b', status: 301 }, { source: '/b', target: '/a', status: 301 });
    expect(problems).toEqual([expect.stringContaining('chains into rule 2'), expect.stringContaining('chains into rule 1')]);
  });

  it('refuses sources with wildcards or queries', () => {
    expect(problemsOf({ source: '/a/*', target: '/b', status: 301 })).toEqual([expect.stringContaining('plain path')]);
  });
});
