import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiConflictResponse, ApiForbiddenResponse, ApiNotFoundResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Actor, Role } from '@scf/identity';
import { DischargesService } from '@scf/receivables';
import { CurrentActor, Roles } from '../auth/auth.decorators';
import { IdPipe } from '../http/id.pipe';
import { Page, PageOf, pageWindow, toPage } from '../http/pagination';
import { Problem } from '../http/problem';
import { DischargeDto, DischargeQuery } from './discharge.dto';
import { RejectionDto } from './invoice.dto';

const SUPPLIER = [Role.SUPPLIER_ADMIN, Role.SUPPLIER_FINANCE];
const DischargePage = PageOf(DischargeDto);
const DECIDED = 'discharge_decided: it is no longer PENDING';

/**
 * The anchor's payments of unfinanced receivables and its credit notes on confirmed ones take
 * effect only once the supplier acknowledges them or the program's bank operations confirm them.
 */
@ApiTags('discharges')
@Controller('v1/discharges')
export class DischargesController {
  constructor(private readonly discharges: DischargesService) {}

  /** The supplier's, anchor's or bank's discharges; `status=PENDING` is what awaits a decision. */
  @Get()
  @Roles(...Object.values(Role))
  @ApiOkResponse({ type: DischargePage })
  async list(@CurrentActor() actor: Actor, @Query() query: DischargeQuery): Promise<Page<DischargeDto>> {
    const window = pageWindow(query);
    const { status, kind, receivableId } = query;
    return toPage(await this.discharges.list(actor, { status, kind, receivableId }, window), window, DischargeDto.of);
  }

  @Get(':id')
  @Roles(...Object.values(Role))
  @ApiOkResponse({ type: DischargeDto })
  @ApiNotFoundResponse({ type: Problem })
  async get(@CurrentActor() actor: Actor, @Param('id', new IdPipe('dischargeId')) id: string): Promise<DischargeDto> {
    return DischargeDto.of(await this.discharges.get(actor, id));
  }

  /** The supplier received the payment, or agrees to the credit note: it takes effect now. */
  @Post(':id/acknowledge')
  @HttpCode(200)
  @Roles(...SUPPLIER)
  @ApiOkResponse({ type: DischargeDto })
  @ApiNotFoundResponse({ type: Problem })
  @ApiConflictResponse({ type: Problem, description: `${DECIDED}; receivable_state_changed, receivable_in_financing, credit_exceeds_amount` })
  async acknowledge(@CurrentActor() actor: Actor, @Param('id', new IdPipe('dischargeId')) id: string): Promise<DischargeDto> {
    return DischargeDto.of(await this.discharges.acknowledge(actor, id));
  }

  /** The program's bank operations confirm it in the supplier's stead: it takes effect now. */
  @Post(':id/confirm')
  @HttpCode(200)
  @Roles(Role.BANK_OPERATIONS)
  @ApiOkResponse({ type: DischargeDto })
  @ApiNotFoundResponse({ type: Problem })
  @ApiConflictResponse({ type: Problem, description: `${DECIDED}; receivable_state_changed, receivable_in_financing, credit_exceeds_amount` })
  async confirm(@CurrentActor() actor: Actor, @Param('id', new IdPipe('dischargeId')) id: string): Promise<DischargeDto> {
    return DischargeDto.of(await this.discharges.confirm(actor, id));
  }

  /** The supplier or the bank operations refuse it: nothing changes, and the receivable gets its offer back. */
  @Post(':id/reject')
  @HttpCode(200)
  @Roles(...SUPPLIER, Role.BANK_OPERATIONS)
  @ApiOkResponse({ type: DischargeDto })
  @ApiForbiddenResponse({ type: Problem, description: 'debtor_cannot_discharge: the anchor decides no discharge of its own debt' })
  @ApiNotFoundResponse({ type: Problem })
  @ApiConflictResponse({ type: Problem, description: DECIDED })
  async reject(@CurrentActor() actor: Actor, @Param('id', new IdPipe('dischargeId')) id: string, @Body() body: RejectionDto): Promise<DischargeDto> {
    return DischargeDto.of(await this.discharges.reject(actor, id, body.reason));
  }
}
