import { Module } from '@nestjs/common';
import { APP_FILTER, APP_GUARD, APP_INTERCEPTOR } from '@nestjs/core';
import { TerminusModule } from '@nestjs/terminus';
import { AuditModule } from '@scf/audit';
import { AppConfig } from '@scf/config';
import { ConfigModule } from '@scf/config/config.module';
import { DatabaseModule } from '@scf/database';
import { IdentityModule } from '@scf/identity';
import { QueueModule } from '@scf/queue';
import { AuthController } from './auth/auth.controller';
import { AuthGuard } from './auth/auth.guard';
import { HealthController } from './health/health.controller';
import { ProblemFilter } from './http/problem.filter';
import { IdempotencyInterceptor } from './http/idempotency.interceptor';
import { IdempotencyService } from './http/idempotency.service';
import { OrganisationsController } from './organisations/organisations.controller';
import { PayoutAccountsController } from './organisations/payout-accounts.controller';
import { UsersController } from './organisations/users.controller';
import { ProgramsApiModule } from './programs/programs-api.module';
import { ReceivablesApiModule } from './invoices/receivables-api.module';
import { OffersApiModule } from './offers/offers-api.module';
import { FinancingApiModule } from './financing/financing-api.module';
import { SecurityApiModule } from './security/security-api.module';
import { RateLimitGuard } from './security/rate-limit.guard';
import { AuditApiModule } from './audit/audit-api.module';

/** The HTTP application: controllers over the bounded-context libraries. */
@Module({})
export class ApiModule {
  static forRoot(config: AppConfig) {
    return {
      module: ApiModule,
      imports: [
        ConfigModule.forRoot(config),
        DatabaseModule,
        QueueModule.forApi(),
        AuditModule,
        TerminusModule,
        IdentityModule,
        ProgramsApiModule,
        ReceivablesApiModule,
        OffersApiModule,
        FinancingApiModule,
        SecurityApiModule,
        AuditApiModule,
      ],
      controllers: [AuthController, OrganisationsController, UsersController, PayoutAccountsController, HealthController],
      providers: [
        { provide: APP_GUARD, useClass: AuthGuard },
        // After AuthGuard: write limits are per authenticated organisation.
        { provide: APP_GUARD, useClass: RateLimitGuard },
        { provide: APP_FILTER, useClass: ProblemFilter },
        { provide: APP_INTERCEPTOR, useClass: IdempotencyInterceptor },
        IdempotencyService,
      ],
    };
  }
}
