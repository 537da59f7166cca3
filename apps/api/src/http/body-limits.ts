import { json } from 'express';
import type { NextFunction, Request, RequestHandler, Response } from 'express';

/**
 * How large a JSON body each route may send, decided before parsing. The routes anyone can call
 * without a credential take small bodies only, so an anonymous caller can't make the API parse
 * megabytes; the 20 MB allowance is for the bulk routes (10,000 rows) alone.
 */
const PUBLIC_ROUTES = ['/v1/auth/login', '/v1/auth/invitations/accept', '/v1/auth/password-reset', '/v1/auth/password-reset/confirm'];
const BULK_ROUTES = ['/v1/invoices/bulk', '/v1/invoices/confirmations', '/v1/invoices/rejections'];

const PUBLIC_LIMIT = '16kb';
const DEFAULT_LIMIT = '1mb';
const BULK_LIMIT = '20mb';

// Express routes ignore case and a trailing slash: so does the choice of the limit.
const normalised = (path: string) => path.toLowerCase().replace(/\/+$/, '');

export function jsonBodies(): RequestHandler {
  const parsers = { public: json({ limit: PUBLIC_LIMIT }), bulk: json({ limit: BULK_LIMIT }), other: json({ limit: DEFAULT_LIMIT }) };
  const publicRoutes = new Set(PUBLIC_ROUTES);
  const bulkRoutes = new Set(BULK_ROUTES);
  return (request: Request, response: Response, next: NextFunction) => {
    const path = normalised(request.path);
    const parser = publicRoutes.has(path) ? parsers.public : bulkRoutes.has(path) ? parsers.bulk : parsers.other;
    parser(request, response, next);
  };
}
