import 'reflect-metadata';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { DataSource } from 'typeorm';
import { loadConfigOrExit } from '@scf/config';
import { ConfigModule } from '@scf/config/config.module';
import { DatabaseModule } from '@scf/database';
import { IdentityModule, OrganisationsService, OrganisationType, Role } from '@scf/identity';

/**
 * Creates the deployment's first bank and its admin (idempotent: does nothing when the admin exists).
 * BANK_NAME, BANK_ADMIN_EMAIL and BANK_ADMIN_PASSWORD choose them; the admin then adds colleagues
 * through POST /v1/organisations/:id/users.
 */
async function main() {
  const config = loadConfigOrExit();
  const name = process.env.BANK_NAME ?? 'Demo Bank';
  const email = process.env.BANK_ADMIN_EMAIL ?? 'admin@bank.demo';
  const password = process.env.BANK_ADMIN_PASSWORD ?? 'Demo-password-1';

  @Module({ imports: [ConfigModule.forRoot(config), DatabaseModule, IdentityModule] })
  class BootstrapModule {}

  const app = await NestFactory.createApplicationContext(BootstrapModule, { logger: ['error'] });
  try {
    const existing = await app.get(DataSource).query(`SELECT 1 FROM users WHERE lower(email) = lower($1)`, [email]);
    if (existing.length) {
      process.stdout.write(`bank admin ${email} already exists\n`);
      return;
    }
    const { organisation } = await app.get(OrganisationsService).create({
      type: OrganisationType.BANK,
      name,
      admin: { email, displayName: `${name} administrator`, password, roles: [Role.BANK_ADMIN] },
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
