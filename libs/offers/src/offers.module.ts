import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { Offer } from './offer.entity';
import { OfferGenerator } from './offer-generator';
import { OffersService } from './offers.service';
import { DailyOffersHandler } from './jobs/daily-offers.handler';
import { GenerateOffersHandler } from './jobs/generate-offers.handler';
import { RepriceProgramHandler } from './jobs/reprice-program.handler';

const HANDLERS = [GenerateOffersHandler, RepriceProgramHandler, DailyOffersHandler];

@Module({
  imports: [TypeOrmModule.forFeature([Offer])],
  providers: [OffersService, OfferGenerator, ...HANDLERS],
  exports: [TypeOrmModule, OffersService, OfferGenerator, ...HANDLERS],
})
export class OffersModule {}
