import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { PortfolioService } from '@scf/financing';
import { Actor, Role } from '@scf/identity';
import { CurrentActor, Roles } from '../auth/auth.decorators';
import { PortfolioDto } from './financing.dto';

@ApiTags('financing')
@Controller('v1/portfolio')
export class PortfolioController {
  constructor(private readonly portfolio: PortfolioService) {}

  /** The bank's exposure: outstanding per program and anchor, maturity ladder, overdue items. */
  @Get()
  @Roles(Role.BANK_ADMIN, Role.BANK_CREDIT_OFFICER, Role.BANK_APPROVER, Role.BANK_OPERATIONS)
  @ApiOkResponse({ type: PortfolioDto })
  get(@CurrentActor() actor: Actor): Promise<PortfolioDto> {
    return this.portfolio.portfolio(actor);
  }
}
