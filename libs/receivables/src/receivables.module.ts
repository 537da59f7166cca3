import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { CreditNote } from './credit-note.entity';
import { Invoice } from './invoice.entity';
import { Receivable } from './receivable.entity';
import { ReceivablePart } from './receivable-part.entity';

@Module({
  imports: [TypeOrmModule.forFeature([Invoice, CreditNote, Receivable, ReceivablePart])],
  exports: [TypeOrmModule],
})
export class ReceivablesModule {}
