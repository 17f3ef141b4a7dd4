import { SetMetadata } from '@nestjs/common';

export const PUBLIC_ROUTE = 'gatehouse:public-route';

/**
 * Marks an operational route that anyone may call (`/healthz`, `/metrics`): an app's access guard lets it
 * through without a session. Feature routes use their app's own access rules instead.
 */
export const PublicRoute = () => SetMetadata(PUBLIC_ROUTE, true);
