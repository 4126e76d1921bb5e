import { checkInvitation, surveyToken, surveyTokenKey, tokenHash, TOKEN_SHAPE } from './survey.rules.js';

const KEY = surveyTokenKey('00'.repeat(32));

describe('survey link tokens', () => {
  test('43 characters, one per invitation, different under another key; the hash is not the token', () => {
    const a = surveyToken(KEY, '7d3f0c1e-0000-4000-8000-000000000001');
    const b = surveyToken(KEY, '7d3f0c1e-0000-4000-8000-000000000002');
    expect(a).toMatch(TOKEN_SHAPE);
    expect(a).not.toBe(b);
    expect(surveyToken(KEY, '7d3f0c1e-0000-4000-8000-000000000001')).toBe(a);
    expect(surveyToken(surveyTokenKey('11'.repeat(32)), '7d3f0c1e-0000-4000-8000-000000000001')).not.toBe(a);
    expect(tokenHash(a)).toMatch(/^[0-9a-f]{64}$/);
    expect(tokenHash(a)).not.toContain(a);
  });

  test('unknown, used and expired links are refused with their own code', () => {
    const now = new Date('2026-12-02T10:00:00Z');
    const code = (run: () => void): unknown => {
      try {
        run();
        return 'answerable';
      } catch (e) {
        return (e as { extensions: { code: string } }).extensions.code;
      }
    };
    expect(code(() => checkInvitation(undefined, now))).toBe('NOT_FOUND');
    expect(code(() => checkInvitation({ answeredAt: now, expiresAt: new Date('2027-01-01') }, now))).toBe('DUPLICATE');
    expect(code(() => checkInvitation({ answeredAt: null, expiresAt: new Date('2026-12-02T09:59:59Z') }, now))).toBe('CONFLICT');
    expect(code(() => checkInvitation({ answeredAt: null, expiresAt: now }, now))).toBe('answerable');
  });
});
