import { Module } from '@nestjs/common';
import { OffersModule } from '@scf/offers';
import { OffersController } from './offers.controller';

@Module({
  imports: [OffersModule],
  controllers: [OffersController],
})
export class OffersApiModule {}
