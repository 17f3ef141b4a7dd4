import { type INestApplication, RequestMethod, type Type } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { ModulesContainer } from '@nestjs/core';
import { PUBLIC_ROUTE } from '@gatehouse/observability';
import { ACCESS_RULE, type AccessRule } from './access-rule';

export interface RouteDescription {
  method: string;
  /** Full path as Express sees it, e.g. `/api/v1/tenants/:tenantId/keys`. */
  path: string;
  controller: string;
  handler: string;
  /** The rule declared on the handler or its controller; undefined when none is. */
  rule: AccessRule | undefined;
}

const UNPREFIXED = new Set(['healthz', 'metrics']);

/**
 * Every route of the running app with the access rule it declares, read from Nest's metadata. Used by the
 * tests that fail a route without a rule and walk every route with the wrong tenant and the wrong role.
 */
export function describeRoutes(app: INestApplication, globalPrefix = 'api/v1'): RouteDescription[] {
  const routes: RouteDescription[] = [];
  for (const module of app.get(ModulesContainer).values()) {
    for (const wrapper of module.controllers.values()) {
      const controller = wrapper.metatype as Type | null;
      if (!controller) continue;
      const controllerPaths = [Reflect.getMetadata(PATH_METADATA, controller) as string | string[] | undefined].flat();
      const prototype = controller.prototype as Record<string, unknown>;
      for (const name of Object.getOwnPropertyNames(prototype)) {
        const handler = prototype[name];
        if (name === 'constructor' || typeof handler !== 'function') continue;
        const handlerPath = Reflect.getMetadata(PATH_METADATA, handler) as string | string[] | undefined;
        if (handlerPath === undefined) continue;
        const method = RequestMethod[Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod];
        const operational = Reflect.getMetadata(PUBLIC_ROUTE, handler) ?? Reflect.getMetadata(PUBLIC_ROUTE, controller);
        const rule = operational
          ? ({ kind: 'public' } as const)
          : ((Reflect.getMetadata(ACCESS_RULE, handler) ?? Reflect.getMetadata(ACCESS_RULE, controller)) as
              AccessRule | undefined);
        for (const base of controllerPaths) {
          for (const own of [handlerPath].flat()) {
            const segments = [base, own].filter((segment): segment is string => !!segment && segment !== '/');
            const joined = segments.map((segment) => segment.replace(/^\/+|\/+$/g, '')).join('/');
            const prefixed = UNPREFIXED.has(joined) ? joined : `${globalPrefix}/${joined}`;
            routes.push({
              method,
              path: `/${prefixed}`.replace(/\/+$/, ''),
              controller: controller.name,
              handler: name,
              rule,
            });
          }
        }
      }
    }
  }
  return routes;
}
