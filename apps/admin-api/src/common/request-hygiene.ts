import { type IncomingMessage } from 'node:http';
import { Logger } from '@nestjs/common';
import { type AdminApiConfig } from '@gatehouse/config';
import express, { type Request, type RequestHandler, type Response } from 'express';
import { SESSION_COOKIE } from '../auth/session-tokens';
import { ApiError } from './errors/api-error';
import { sendApiError } from './errors/api-exception.filter';

/**
 * What admin-api checks on every request before Nest routes it, in order:
 *
 * 1. A body is JSON or nothing: anything else (a form, multipart, text) is a 415 and is never parsed.
 * 2. A write authenticated by the session cookie (no bearer token) is one a page of ours made: it must say it is JSON
 *    (even without a body; a cross-site form cannot) and come from an allowed origin (CSRF: the cookie is SameSite=Lax,
 *    which a page on another port of the same host still gets).
 * 3. The JSON body is parsed up to `ADMIN_MAX_BODY_BYTES` (413 beyond).
 * 4. No string in the body, query or path holds a NUL character, which Postgres cannot store.
 *
 * These run as Express middleware, outside Nest's filters, so they answer through the same `sendApiError`.
 */
export function requestHygiene(config: AdminApiConfig): RequestHandler[] {
  const logger = new Logger('RequestHygiene');
  const fail = (response: Response, error: ApiError) => sendApiError(response, error, logger);
  const parseJson = express.json({ limit: config.http.maxBodyBytes, type: isJsonRequest });

  const checkMediaTypeAndOrigin: RequestHandler = (request, response, next) => {
    const json = isJsonRequest(request);
    if (hasBody(request) && !json) return fail(response, unsupportedMediaType());
    if (!isCookieAuthenticatedWrite(request)) return next();
    if (!json) return fail(response, unsupportedMediaType());
    const origin = requestOrigin(request);
    if (origin === null || !allowedOrigins(request, config).has(origin)) {
      return fail(
        response,
        ApiError.forbidden(
          'A signed-in write must come from the portal: this request came from another origin, or did not say from which.',
          'cross_origin_request',
        ),
      );
    }
    next();
  };

  const parseBody: RequestHandler = (request, response, next) => {
    parseJson(request, response, (error?: unknown) => {
      if (error === undefined) return next();
      const type = (error as { type?: unknown }).type;
      if (type === 'entity.too.large') {
        return fail(
          response,
          new ApiError(
            413,
            'payload_too_large',
            `The body is larger than the limit of ${config.http.maxBodyBytes} bytes.`,
          ),
        );
      }
      if (type === 'entity.parse.failed')
        return fail(response, ApiError.badRequest('malformed_json', 'The body is not valid JSON.'));
      if (type === 'encoding.unsupported' || type === 'charset.unsupported')
        return fail(response, unsupportedMediaType());
      next(error);
    });
  };

  const refuseNul: RequestHandler = (request, response, next) => {
    const fields = [
      ...nulFields(request.body, []),
      ...nulFields(request.query, []),
      ...(safeDecode(request.path).includes('\u0000') ? ['(path)'] : []),
    ];
    if (fields.length === 0) return next();
    fail(
      response,
      ApiError.badRequest(
        'validation_failed',
        'The request is not valid: see details for each field.',
        fields.map((field) => ({ field, reason: 'must not contain a NUL character' })),
      ),
    );
  };

  return [checkMediaTypeAndOrigin, parseBody, refuseNul];
}

const WRITE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** `application/json` or a `+json` type, with or without parameters. */
function isJsonRequest(request: IncomingMessage): boolean {
  const mediaType = request.headers['content-type']?.split(';')[0]?.trim().toLowerCase();
  return (
    mediaType !== undefined && (mediaType === 'application/json' || /^application\/[\w.-]+\+json$/.test(mediaType))
  );
}

function hasBody(request: Request): boolean {
  const length = request.headers['content-length'];
  return request.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}

/** Mirrors AccessGuard: a bearer token, when sent, is what authenticates the request; otherwise the cookie. */
function isCookieAuthenticatedWrite(request: Request): boolean {
  if (!WRITE_METHODS.has(request.method)) return false;
  if (request.headers.authorization?.startsWith('Bearer ')) return false;
  const cookies = request.cookies as Record<string, string | undefined> | undefined;
  return Boolean(cookies?.[SESSION_COOKIE]);
}

/** `Origin`, or the origin of `Referer` when a browser left Origin out; null when neither says. */
function requestOrigin(request: Request): string | null {
  const stated = request.headers.origin ?? request.headers.referer;
  return stated !== undefined && URL.canParse(stated) ? new URL(stated).origin : null;
}

/** The request's own origin as the client saw it (through trusted proxies), PORTAL_URL's, and ADMIN_ALLOWED_ORIGINS. */
function allowedOrigins(request: Request, config: AdminApiConfig): Set<string> {
  const own = URL.canParse(`${request.protocol}://${request.host}`)
    ? [new URL(`${request.protocol}://${request.host}`).origin]
    : [];
  return new Set([...own, ...config.http.allowedOrigins]);
}

function unsupportedMediaType(): ApiError {
  return new ApiError(415, 'unsupported_media_type', 'Send the body as JSON, with Content-Type: application/json.');
}

/** Field paths (`name`, `limits.0.label`) of every string, key included, that holds a NUL character. */
function nulFields(value: unknown, path: string[]): string[] {
  if (typeof value === 'string') return value.includes('\u0000') ? [path.join('.') || '(body)'] : [];
  if (value === null || typeof value !== 'object') return [];
  return Object.entries(value).flatMap(([key, child]) =>
    key.includes('\u0000') ? [[...path, key].join('.')] : nulFields(child, [...path, key]),
  );
}

function safeDecode(path: string): string {
  try {
    return decodeURIComponent(path);
  } catch {
    return path;
  }
}
