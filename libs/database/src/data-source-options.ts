import { types } from 'pg';
import { DataSourceOptions } from 'typeorm';
import { SnakeNamingStrategy } from './snake-naming.strategy';
import { InitialSchema1764300000000 } from './migrations/1764300000000-initial-schema';
import { BusinessEvents1764300001000 } from './migrations/1764300001000-business-events';
import { EnrolmentChanges1764300002000 } from './migrations/1764300002000-enrolment-changes';
import { ApiKeys1764300005000 } from './migrations/1764300005000-api-keys';
import { AuditChainHeadGuard1764300005010 } from './migrations/1764300005010-audit-chain-head-guard';
import { ApplicationRole1764300005020 } from './migrations/1764300005020-application-role';
import { OutboxMessageId1764300006000 } from './migrations/1764300006000-outbox-message-id';
import { IdempotencyCommitted1764300007000 } from './migrations/1764300007000-idempotency-committed';
import { Credentials1764300010000 } from './migrations/1764300010000-credentials';
import { PayoutAccounts1764300020000 } from './migrations/1764300020000-payout-accounts';
import { CreditControls1764300030000 } from './migrations/1764300030000-credit-controls';
import { InvoiceNumberKey1764300040000 } from './migrations/1764300040000-invoice-number-key';
import { Discharges1764300040010 } from './migrations/1764300040010-discharges';
import { BusinessCalendars1764300050000 } from './migrations/1764300050000-business-calendars';
import { Servicing1764300060000 } from './migrations/1764300060000-servicing';
import { IdempotencyOneTransaction1764300080000 } from './migrations/1764300080000-idempotency-one-transaction';

// Business dates stay 'YYYY-MM-DD' strings: a JS Date would shift them by the process's time zone.
types.setTypeParser(types.builtins.DATE, (value: string) => value);

/** Every migration, in order. Schema changes happen only here: synchronize stays off. */
export const MIGRATIONS = [
  InitialSchema1764300000000,
  BusinessEvents1764300001000,
  EnrolmentChanges1764300002000,
  ApiKeys1764300005000,
  AuditChainHeadGuard1764300005010,
  ApplicationRole1764300005020,
  OutboxMessageId1764300006000,
  IdempotencyCommitted1764300007000,
  Credentials1764300010000,
  PayoutAccounts1764300020000,
  CreditControls1764300030000,
  InvoiceNumberKey1764300040000,
  Discharges1764300040010,
  BusinessCalendars1764300050000,
  Servicing1764300060000,
  IdempotencyOneTransaction1764300080000,
];

export function dataSourceOptions(databaseUrl: string, overrides: Partial<DataSourceOptions> = {}): DataSourceOptions {
  return {
    type: 'postgres',
    url: databaseUrl,
    namingStrategy: new SnakeNamingStrategy(),
    migrations: MIGRATIONS,
    migrationsRun: false,
    migrationsTransactionMode: 'each',
    synchronize: false,
    extra: { max: Number(process.env.DB_POOL_SIZE ?? 20) },
    ...overrides,
  } as DataSourceOptions;
}
