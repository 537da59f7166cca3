import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { Offer } from './offer.entity';
import { DailyOffersHandler } from './jobs/daily-offers.handler';
import { GenerateOffersHandler } from './jobs/generate-offers.handler';
import { RepriceProgramHandler } from './jobs/reprice-program.handler';

const HANDLERS = [GenerateOffersHandler, RepriceProgramHandler, DailyOffersHandler];

@Module({
  imports: [TypeOrmModule.forFeature([Offer])],
  providers: [...HANDLERS],
  exports: [TypeOrmModule, ...HANDLERS],
})
export class OffersModule {}
