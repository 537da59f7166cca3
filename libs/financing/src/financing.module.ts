import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { FinancingItem } from './financing-item.entity';
import { FinancingRequest } from './financing-request.entity';
import { Payment } from './payment.entity';
import { DailyFinancingHandler } from './jobs/daily-financing.handler';

@Module({
  imports: [TypeOrmModule.forFeature([FinancingRequest, FinancingItem, Payment])],
  providers: [DailyFinancingHandler],
  exports: [TypeOrmModule, DailyFinancingHandler],
})
export class FinancingModule {}
