import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { OffersModule } from '@scf/offers';
import { ProgramsModule } from '@scf/programs';
import { FinancingItem } from './financing-item.entity';
import { FinancingRequest } from './financing-request.entity';
import { Payment } from './payment.entity';
import { FinancingService } from './financing.service';
import { PaymentsService } from './payments.service';
import { PortfolioService } from './portfolio.service';
import { StatementsService } from './statements.service';
import { PenaltyWaiversService } from './penalty-waivers.service';
import { DailyFinancingHandler } from './jobs/daily-financing.handler';

@Module({
  imports: [TypeOrmModule.forFeature([FinancingRequest, FinancingItem, Payment]), ProgramsModule, OffersModule],
  providers: [FinancingService, PaymentsService, PortfolioService, StatementsService, PenaltyWaiversService, DailyFinancingHandler],
  exports: [TypeOrmModule, FinancingService, PaymentsService, PortfolioService, StatementsService, PenaltyWaiversService, DailyFinancingHandler],
})
export class FinancingModule {}
