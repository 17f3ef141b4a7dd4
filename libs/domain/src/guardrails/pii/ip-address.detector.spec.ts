import { detectIpAddresses } from './ip-address.detector';

const texts = (input: string) => detectIpAddresses(input).map((finding) => finding.text);

describe('detectIpAddresses', () => {
  it('finds IPv4 addresses, with ports, prefixes and sentence punctuation around them', () => {
    expect(texts('The server at 10.0.0.1:8080 is down; net 10.8.0.0/24 via 192.168.1.254.')).toEqual([
      '10.0.0.1',
      '10.8.0.0',
      '192.168.1.254',
    ]);
    expect(texts('X-Forwarded-For: 203.0.113.7, 198.51.100.23')).toEqual(['203.0.113.7', '198.51.100.23']);
  });

  it('finds IPv6 addresses in their full, compressed, bracketed and mapped forms', () => {
    expect(texts('bind [2001:db8:85a3::8a2e:370:7334]:443')).toEqual(['2001:db8:85a3::8a2e:370:7334']);
    expect(texts('Loopback is ::1, link-local fe80::1%eth0.')).toEqual(['::1', 'fe80::1']);
    expect(texts('IP:2001:db8::1')).toEqual(['2001:db8::1']);
    // An IPv4-mapped address is one finding, not an IPv6 one with an IPv4 one inside it.
    expect(texts('from ::ffff:192.0.2.1 today')).toEqual(['::ffff:192.0.2.1']);
  });

  it.each([
    ['a version with five parts', 'Release 10.0.0.1.5 is out'],
    ['a version after "version"', 'Upgrade to version 1.2.3.4 now'],
    ['a version after "firmware"', 'firmware 10.0.0.1 is vulnerable'],
    ['a v-prefixed version', 'v1.2.3.4'],
    ['a user agent version', 'Chrome/120.0.0.0 Safari'],
    ['a section number', 'See section 4.3.2.1'],
    ['an octet above 255', '300.1.2.3 is wrong'],
    ['octets with leading zeros', '010.001.002.003'],
    ['a time', 'at 12:30:45 sharp'],
    ['a MAC address', 'MAC 00:1A:2B:3C:4D:5E'],
    ['C++ scopes', 'std::vector<int> and Foo::Bar'],
    ['hex words joined by colons', 'add::face'],
    ['an ISO timestamp', '2024-01-15T10:30:00Z'],
    ['the unspecified address', 'listen on :: only'],
  ])('leaves %s alone', (_reason, input) => {
    expect(texts(input)).toEqual([]);
  });
});
