import ipaddr from 'ipaddr.js';

/**
 * What kind of network an IP address belongs to, as far as outbound calls are concerned. Only `public` is
 * reachable from a tenant-chosen URL; `loopback` only where a development setting allows it.
 */
export type AddressClass =
  | 'public'
  | 'loopback'
  | 'private'
  | 'carrier-grade-nat'
  | 'link-local'
  | 'metadata'
  | 'unique-local'
  | 'unspecified'
  | 'multicast'
  | 'broadcast'
  | 'reserved'
  | 'invalid';

export interface AddressPolicy {
  /** Lets loopback addresses through (development and tests only; refused in production by libs/config). */
  allowLoopback: boolean;
}

export const STRICT_ADDRESS_POLICY: AddressPolicy = { allowLoopback: false };

// Cloud instance metadata services: AWS/GCP/Azure/OpenStack (169.254.169.254), AWS over IPv6 (fd00:ec2::254),
// Alibaba (100.100.100.200), Oracle (192.0.0.192). Named apart so a refusal says what was aimed at.
const METADATA_ADDRESSES = new Set(['169.254.169.254', 'fd00:ec2::254', '100.100.100.200', '192.0.0.192']);

const IPV4_CLASSES: Record<string, AddressClass> = {
  unicast: 'public',
  loopback: 'loopback',
  private: 'private',
  carrierGradeNat: 'carrier-grade-nat',
  linkLocal: 'link-local',
  unspecified: 'unspecified',
  multicast: 'multicast',
  broadcast: 'broadcast',
};

const IPV6_CLASSES: Record<string, AddressClass> = {
  unicast: 'public',
  loopback: 'loopback',
  linkLocal: 'link-local',
  uniqueLocal: 'unique-local',
  deprecatedSiteLocal: 'unique-local',
  unspecified: 'unspecified',
  multicast: 'multicast',
};

/**
 * Classifies an IPv4 or IPv6 address (any spelling ipaddr.js parses, zone id allowed). IPv6 forms that carry an
 * IPv4 address (mapped `::ffff:a.b.c.d`, translated `::ffff:0:a.b.c.d`, compatible `::a.b.c.d`, NAT64
 * `64:ff9b::/96`, 6to4 `2002::/16`) are classified by the IPv4 address they reach. Anything ipaddr.js does not
 * call plain unicast (documentation, benchmarking, Teredo, local-use NAT64, ...) is `reserved`.
 */
export function classifyAddress(address: string): AddressClass {
  let parsed: ipaddr.IPv4 | ipaddr.IPv6;
  try {
    // A zone id (`fe80::1%eth0`) names an interface, not a network: the address alone decides.
    parsed = ipaddr.parse(address.split('%')[0] ?? '');
  } catch {
    return 'invalid';
  }
  if (parsed.kind() === 'ipv4') return classifyIpv4(parsed as ipaddr.IPv4);
  const v6 = parsed as ipaddr.IPv6;
  if (METADATA_ADDRESSES.has(v6.toString())) return 'metadata';
  const embedded = embeddedIpv4(v6);
  if (embedded) return classifyIpv4(embedded);
  return IPV6_CLASSES[v6.range()] ?? 'reserved';
}

/** What kind of address forbids a connection under `policy` ("a loopback address"), or null when it may be made. */
export function addressRefusal(address: string, policy: AddressPolicy): string | null {
  const kind = classifyAddress(address);
  if (kind === 'public' || (kind === 'loopback' && policy.allowLoopback)) return null;
  return ADDRESS_CLASS_NAMES[kind];
}

const ADDRESS_CLASS_NAMES: Record<AddressClass, string> = {
  public: 'a public address',
  loopback: 'a loopback address',
  private: 'a private network address',
  'carrier-grade-nat': 'a carrier-grade NAT address',
  'link-local': 'a link-local address',
  metadata: 'a cloud metadata address',
  'unique-local': 'a unique-local (private) IPv6 address',
  unspecified: 'the unspecified address',
  multicast: 'a multicast address',
  broadcast: 'the broadcast address',
  reserved: 'a reserved address',
  invalid: 'not an IP address',
};

function classifyIpv4(address: ipaddr.IPv4): AddressClass {
  if (METADATA_ADDRESSES.has(address.toString())) return 'metadata';
  return IPV4_CLASSES[address.range()] ?? 'reserved';
}

function embeddedIpv4(address: ipaddr.IPv6): ipaddr.IPv4 | null {
  const parts = address.parts;
  const low32 = (high: number, low: number) => new ipaddr.IPv4([high >> 8, high & 255, low >> 8, low & 255]);
  const range = address.range();
  // ipaddr.js files `::a.b.c.d` (IPv4-compatible) under ipv4Mapped, and `::7f00:1` under unicast.
  if (range === 'ipv4Mapped' || range === 'rfc6145') return low32(parts[6] ?? 0, parts[7] ?? 0);
  if (range === 'unicast' && parts.slice(0, 6).every((part) => part === 0)) return low32(parts[6] ?? 0, parts[7] ?? 0);
  // Only the well-known NAT64 prefix embeds a global address; the local-use 64:ff9b:1::/48 stays reserved.
  if (parts[0] === 0x64 && parts[1] === 0xff9b && parts.slice(2, 6).every((part) => part === 0)) {
    return low32(parts[6] ?? 0, parts[7] ?? 0);
  }
  if (range === '6to4') return low32(parts[1] ?? 0, parts[2] ?? 0);
  return null;
}
