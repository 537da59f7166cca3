import { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { AppConfig } from '@scf/config';
import { ApiModule } from './api.module';
import { requireJsonBodies } from './http/content-type';
import { documentCrossCuttingBehaviour } from './http/openapi-conventions';
import { validationPipe } from './http/validation';
import { applyHttpSecurity } from './security/http-security';
import { jsonBodies } from './http/body-limits';
import { RedactingLogger } from '@scf/logging';

export function buildOpenApi(app: INestApplication) {
  const config = new DocumentBuilder()
    .setTitle('Supply-chain finance platform')
    .setDescription(
      'Banks extend an anchor enterprise\'s credit to its suppliers. Money is a decimal string in the currency\'s minor unit; ' +
        'errors are application/problem+json with a stable `code`.',
    )
    .setVersion('1')
    .addBearerAuth()
    .addApiKey({ type: 'apiKey', in: 'header', name: 'X-API-Key', description: 'an organisation API key (scf_…); `Authorization: ApiKey <key>` works too' }, 'apiKey')
    .build();
  return documentCrossCuttingBehaviour(SwaggerModule.createDocument(app, config));
}

/** Builds the API application (used by main.ts and by the end-to-end tests). */
export async function createApi(config: AppConfig): Promise<NestExpressApplication> {
  const app = await NestFactory.create<NestExpressApplication>(ApiModule.forRoot(config), {
    logger: config.logLevel === 'silent' ? false : new RedactingLogger(config),
    bodyParser: false,
  });
  applyHttpSecurity(app, config);
  app.use(requireJsonBodies);
  app.use(jsonBodies());
  app.useGlobalPipes(validationPipe);
  const document = buildOpenApi(app);
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs/json' });
  return app;
}
