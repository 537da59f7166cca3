import { Module } from '@nestjs/common';
import { FinancingModule } from '@scf/financing';
import { FinancingController } from './financing.controller';
import { PaymentsController } from './payments.controller';
import { PortfolioController } from './portfolio.controller';
import { ServicingController } from './servicing.controller';

@Module({
  imports: [FinancingModule],
  controllers: [FinancingController, PaymentsController, PortfolioController, ServicingController],
})
export class FinancingApiModule {}
