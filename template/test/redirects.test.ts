// The redirect Worker in workerd: statuses, Location, query handling, cache headers,
// unknown paths, and the run-time refusal of unsafe targets.
import { SELF, env as bindings } from 'cloudflare:test';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createWorker } from '../src/index.ts';
import type { RedirectRule } from '../src/redirects.ts';

const get = (path: string, init: RequestInit = {}) => SELF.fetch(`https://example.test${path}`, { redirect: 'manual', ...init });

afterEach(() => vi.restoreAllMocks());

describe('redirects', () => {
  it('sends a permanent redirect that caches for a day', async () => {
    const response = await get('/pricing-2025');
    expect(response.status).toBe(301);
    expect(response.headers.get('location')).toBe('https://example.test/pricing');
    expect(response.headers.get('cache-control')).toBe('public, max-age=86400');
  });

  it('keeps the query string, merged with the target own query', async () => {
    const response = await get('/summer-sale?utm_source=mail');
    expect(response.status).toBe(302);
    expect(response.headers.get('location')).toBe('https://example.test/offers?campaign=summer&utm_source=mail');
    expect(response.headers.get('cache-control')).toBe('no-store');
  });

  it('drops the query string when the rule says so', async () => {
    const response = await get('/old-login?next=https://evil.example');
    expect(response.status).toBe(307);
    expect(response.headers.get('location')).toBe('https://example.test/login');
  });

  it('redirects to an allowed external host', async () => {
    const response = await get('/blog/');
    expect(response.status).toBe(308);
    expect(response.headers.get('location')).toBe('https://docs.example.com/blog');
  });

  it('answers HEAD like GET, without a body', async () => {
    const response = await get('/pricing-2025', { method: 'HEAD' });
    expect(response.status).toBe(301);
    expect(await response.text()).toBe('');
  });

  it.each(['/unknown', '//evil.example/pricing', '/pricing-2025/extra', '/'])('answers 404 for %s', async (path) => {
    const response = await get(path);
    expect(response.status).toBe(404);
    expect(response.headers.get('location')).toBeNull();
    expect((await response.json() as { error: string }).error).toBe('not_found');
  });

  it('answers 405 with Allow for other methods', async () => {
    const response = await get('/pricing-2025', { method: 'POST', body: 'x' });
    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe('GET, HEAD');
  });
});

describe('run-time check', () => {
  // Only the bindings the Worker needs: the other settings take their defaults.
  const env = { LOG_LEVEL: 'info', RATE_LIMITER: bindings.RATE_LIMITER } as Env;
  const workerWith = (...rules: RedirectRule[]) => createWorker({ rules: { allowedHosts: ['docs.example.com'], rules } });

  it.each([
    ['an open redirect', { source: '/go', target: 'https://evil.example/', status: 302 }],
    ['a protocol-relative target', { source: '/go', target: '//evil.example', status: 302 }],
    ['a redirect to itself', { source: '/go', target: '/go', status: 302 }],
  ])('refuses %s that slipped into the rules, and logs it', async (_name, rule) => {
    const lines: string[] = [];
    vi.spyOn(console, 'log').mockImplementation((line) => lines.push(line));
    const response = await workerWith(rule).fetch(new Request('https://example.test/go'), env);
    expect(response.status).toBe(404);
    expect(response.headers.get('location')).toBeNull();
    expect(lines.map((line) => JSON.parse(line)).some((entry) => entry.level === 'error')).toBe(true);
  });

  it('takes a cf-ray as the request id only in the shape Cloudflare sets (regression: found by the fuzz)', async () => {
    vi.spyOn(console, 'log').mockImplementation(() => {});
    const withRay = (ray: string) => workerWith({ source: '/a', target: '/b', status: 301 }).fetch(new Request('https://example.test/a', { headers: { 'cf-ray': ray } }), env);
    expect((await withRay('8f5a2b3c4d5e6f70-AMS')).headers.get('x-correlation-id')).toBe('8f5a2b3c4d5e6f70-AMS');
    for (const ray of ['', 'x'.repeat(5000), 'forged id']) {
      expect((await withRay(ray)).headers.get('x-correlation-id')).toMatch(/^[0-9a-f-]{36}$/);
    }
  });

  it('logs one JSON line per request with the correlation id', async () => {
    const lines: string[] = [];
    vi.spyOn(console, 'log').mockImplementation((line) => lines.push(line));
    const response = await workerWith({ source: '/a', target: '/b', status: 301 }).fetch(
      new Request('https://example.test/a', { headers: { 'x-correlation-id': 'campaign-7' } }),
      env,
    );
    expect(response.headers.get('x-correlation-id')).toBe('campaign-7');
    expect(JSON.parse((lines.at(-1) as string))).toMatchObject({ message: 'request completed', route: '/a', status: 301, correlationId: 'campaign-7' });
  });
});
