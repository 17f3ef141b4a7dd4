// Liveness for load balancers and docker-compose: the portal has no dependency of its own to check (admin-api
// reports its own health), so answering at all is the signal.
export const dynamic = 'force-dynamic';

export function GET(): Response {
  return Response.json({ status: 'ok' }, { headers: { 'Cache-Control': 'no-store' } });
}
