import { createSecretKey } from 'node:crypto';
import { Module } from '@nestjs/common';
import { JwtModule } from '@nestjs/jwt';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuditModule } from '@scf/audit';
import { APP_CONFIG, AppConfig } from '@scf/config';
import { Organisation } from './organisation.entity';
import { User } from './user.entity';
import { ApiKey } from './api-key.entity';
import { AuthService } from './auth.service';
import { OrganisationsService } from './organisations.service';
import { ApiKeysService } from './api-keys.service';
import { PayoutAccountsService } from './payout-accounts.service';
import { CredentialsService } from './credentials.service';
import { UsersService } from './users.service';
import { FieldCipher, installFieldEncryption } from './field-encryption';

@Module({
  imports: [
    AuditModule,
    TypeOrmModule.forFeature([Organisation, User, ApiKey]),
    JwtModule.registerAsync({
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => ({
        // A KeyObject, not a string: with a string jsonwebtoken first tries (and fails) to parse a
        // public key on every verification, about 8% of the API's CPU under load.
        secret: createSecretKey(Buffer.from(config.jwtSecret, 'utf8')),
        signOptions: { expiresIn: config.jwtTtlSeconds, algorithm: 'HS256' },
        verifyOptions: { algorithms: ['HS256'] },
      }),
    }),
  ],
  providers: [
    AuthService,
    OrganisationsService,
    ApiKeysService,
    PayoutAccountsService,
    CredentialsService,
    UsersService,
    // The entity's encryption hooks are static: install the configured keys before any organisation is read.
    { provide: FieldCipher, inject: [APP_CONFIG], useFactory: (config: AppConfig) => installFieldEncryption(config.encryptionKeys) },
  ],
  exports: [AuthService, OrganisationsService, ApiKeysService, PayoutAccountsService, CredentialsService, UsersService, FieldCipher, TypeOrmModule],
})
export class IdentityModule {}
