import { Module } from '@nestjs/common';
import { ReceivablesModule } from '@scf/receivables';
import { DischargesController } from './discharges.controller';
import { InvoicesController } from './invoices.controller';
import { PayablesController } from './payables.controller';
import { ReceivablesController } from './receivables.controller';

@Module({
  imports: [ReceivablesModule],
  controllers: [InvoicesController, PayablesController, ReceivablesController, DischargesController],
})
export class ReceivablesApiModule {}
