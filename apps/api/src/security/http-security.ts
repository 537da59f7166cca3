import { Logger } from '@nestjs/common';
import { NestExpressApplication } from '@nestjs/platform-express';
import { randomUUID } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import helmet from 'helmet';
import { AppConfig } from '@scf/config';

const REQUEST_ID = /^[A-Za-z0-9_\-:.]{8,128}$/;

/**
 * Transport-level protections of the API: security headers, CORS for the configured portal
 * origins only, no caching of (possibly personal) responses, the client address behind trusted
 * proxies (rate limits key on it), and one access-log line per request with a request id.
 */
export function applyHttpSecurity(app: NestExpressApplication, config: AppConfig): void {
  if (config.trustProxyHops > 0) app.set('trust proxy', config.trustProxyHops);
  app.use(helmet());
  app.enableCors({
    origin: config.corsOrigins.length ? config.corsOrigins : false,
    methods: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'],
    allowedHeaders: ['Authorization', 'Content-Type', 'Idempotency-Key', 'X-API-Key', 'X-Request-Id'],
    exposedHeaders: ['Retry-After', 'Idempotent-Replayed', 'X-Request-Id'],
    credentials: false,
    maxAge: 600,
  });
  app.use(accessLog(new Logger('HTTP')));
}

function accessLog(logger: Logger) {
  return (request: Request, response: Response, next: NextFunction) => {
    const incoming = request.headers['x-request-id'];
    const requestId = typeof incoming === 'string' && REQUEST_ID.test(incoming) ? incoming : randomUUID();
    const started = process.hrtime.bigint();
    response.setHeader('X-Request-Id', requestId);
    response.setHeader('Cache-Control', 'no-store');
    response.on('finish', () => {
      const ms = Number((process.hrtime.bigint() - started) / 1_000_000n);
      // The path only: query strings and bodies may carry personal data and are never logged.
      logger.debug(`${request.method} ${request.path} ${response.statusCode} ${ms}ms request=${requestId}`);
    });
    next();
  };
}
