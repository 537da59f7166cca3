import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { IdentityModule } from '@scf/identity';
import { OffersModule } from '@scf/offers';
import { ProgramsModule } from '@scf/programs';
import { ReceivablesModule } from '@scf/receivables';
import { FinancingItem } from './financing-item.entity';
import { FinancingRequest } from './financing-request.entity';
import { Payment } from './payment.entity';
import { FinancingService } from './financing.service';
import { DisbursementService } from './disbursement.service';
import { PaymentsService } from './payments.service';
import { PortfolioService } from './portfolio.service';
import { StatementsService } from './statements.service';
import { PenaltyWaiversService } from './penalty-waivers.service';
import { DailyFinancingHandler } from './jobs/daily-financing.handler';

@Module({
  imports: [TypeOrmModule.forFeature([FinancingRequest, FinancingItem, Payment]), ProgramsModule, OffersModule, IdentityModule, ReceivablesModule],
  providers: [FinancingService, DisbursementService, PaymentsService, PortfolioService, StatementsService, PenaltyWaiversService, DailyFinancingHandler],
  exports: [TypeOrmModule, FinancingService, DisbursementService, PaymentsService, PortfolioService, StatementsService, PenaltyWaiversService, DailyFinancingHandler],
})
export class FinancingModule {}
