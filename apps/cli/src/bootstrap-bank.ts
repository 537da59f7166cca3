import 'reflect-metadata';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { DataSource } from 'typeorm';
import { loadConfigOrExit } from '@scf/config';
import { ConfigModule } from '@scf/config/config.module';
import { DatabaseModule } from '@scf/database';
import { IdentityModule, OrganisationsService } from '@scf/identity';

const DEMO_PASSWORD = 'Demo-password-1';

/**
 * Creates the deployment's first bank and its admin (idempotent: does nothing when the admin exists).
 * BANK_NAME, BANK_ADMIN_EMAIL and BANK_ADMIN_PASSWORD choose them; the admin then invites colleagues
 * through POST /v1/organisations/:id/users. This is the one password chosen by someone other than
 * its user, because nobody exists yet who could invite the first admin: the operator running the
 * command is that admin (or hands over and the admin changes it with POST /v1/auth/password).
 */
async function main() {
  const config = loadConfigOrExit();
  const name = process.env.BANK_NAME ?? 'Demo Bank';
  const email = process.env.BANK_ADMIN_EMAIL ?? 'admin@bank.demo';
  const password = process.env.BANK_ADMIN_PASSWORD ?? (config.env === 'production' ? undefined : DEMO_PASSWORD);
  if (!password || password.length < 12 || (config.env === 'production' && password === DEMO_PASSWORD)) {
    process.stderr.write('bootstrap failed: set BANK_ADMIN_PASSWORD to the first bank admin\'s password, 12 characters or more (the demo password is refused in production)\n');
    process.exit(1);
  }

  @Module({ imports: [ConfigModule.forRoot(config), DatabaseModule, IdentityModule] })
  class BootstrapModule {}

  const app = await NestFactory.createApplicationContext(BootstrapModule, { logger: ['error'] });
  try {
    const existing = await app.get(DataSource).query(`SELECT 1 FROM users WHERE lower(email) = lower($1)`, [email]);
    if (existing.length) {
      process.stdout.write(`bank admin ${email} already exists\n`);
      return;
    }
    const { organisation } = await app.get(OrganisationsService).bootstrapBank({
      name,
      admin: { email, displayName: `${name} administrator`, password },
    });
    process.stdout.write(`created bank ${name} (${organisation.id}) with admin ${email}\n`);
  } finally {
    await app.close();
  }
}

main().catch((error) => {
  process.stderr.write(`bootstrap failed: ${(error as Error).message}\n`);
  process.exit(1);
});
