import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { OffersModule } from '@scf/offers';
import { CreditNote } from './credit-note.entity';
import { Invoice } from './invoice.entity';
import { Receivable } from './receivable.entity';
import { ReceivablePart } from './receivable-part.entity';
import { DischargesService } from './discharges.service';
import { InvoicesService } from './invoices.service';
import { ReceivablesService } from './receivables.service';

/** Needs OutboxService and AuditService, which the global QueueModule and AuditModule provide. */
@Module({
  imports: [TypeOrmModule.forFeature([Invoice, CreditNote, Receivable, ReceivablePart]), OffersModule],
  providers: [InvoicesService, ReceivablesService, DischargesService],
  exports: [TypeOrmModule, InvoicesService, ReceivablesService, DischargesService],
})
export class ReceivablesModule {}
