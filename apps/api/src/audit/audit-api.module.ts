import { Module } from '@nestjs/common';
import { AuditController } from './audit.controller';

/** AuditLogService comes from the global AuditModule. */
@Module({ controllers: [AuditController] })
export class AuditApiModule {}
