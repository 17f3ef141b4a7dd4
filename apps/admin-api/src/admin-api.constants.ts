export const ADMIN_API_CONFIG = Symbol('ADMIN_API_CONFIG');

/** The `HostResolver` (@gatehouse/egress) that outbound URLs are resolved with: the system's, or a test's. */
export const OUTBOUND_RESOLVER = Symbol('OUTBOUND_RESOLVER');
