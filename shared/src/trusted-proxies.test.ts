import { parseTrustedProxies } from './http.js';

describe('parseTrustedProxies', () => {
  it('trusts exact addresses, in the IPv4-mapped form too', () => {
    const trusted = parseTrustedProxies('127.0.0.1, ::1');
    expect(trusted.has('127.0.0.1')).toBe(true);
    expect(trusted.has('::ffff:127.0.0.1')).toBe(true);
    expect(trusted.has('::1')).toBe(true);
    expect(trusted.has('127.0.0.2')).toBe(false);
    expect(trusted.size).toBe(2);
  });

  it('trusts a pod network by CIDR and nothing outside it', () => {
    const trusted = parseTrustedProxies('10.244.0.0/16,fd00:10::/64');
    expect(trusted.has('10.244.3.7')).toBe(true);
    expect(trusted.has('::ffff:10.244.200.1')).toBe(true);
    expect(trusted.has('10.245.0.1')).toBe(false);
    expect(trusted.has('fd00:10::abcd')).toBe(true);
    expect(trusted.has('fd00:11::1')).toBe(false);
    expect(trusted.has('not-an-ip')).toBe(false);
  });

  it('refuses a malformed entry at start instead of trusting nobody', () => {
    expect(() => parseTrustedProxies('10.0.0.0/33')).toThrow(/prefix/);
    expect(() => parseTrustedProxies('edge.local')).toThrow(/neither an IP/);
  });
});
