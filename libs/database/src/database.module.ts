import { Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { APP_CONFIG, AppConfig } from '@scf/config';
import { dataSourceOptions } from './data-source-options';
import { ClockService } from './clock.service';
import { BusinessDaysService } from './business-days.service';

@Global()
@Module({
  imports: [
    TypeOrmModule.forRootAsync({
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => ({ ...dataSourceOptions(config.databaseUrl), autoLoadEntities: true }),
    }),
  ],
  providers: [ClockService, BusinessDaysService],
  exports: [ClockService, BusinessDaysService],
})
export class DatabaseModule {}
