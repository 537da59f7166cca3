import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiTags,
} from '@nestjs/swagger';
import { DisbursementService, FinancingService } from '@scf/financing';
import { Actor, Role } from '@scf/identity';
import { CurrentActor, Roles } from '../auth/auth.decorators';
import { IdPipe } from '../http/id.pipe';
import { RequiresIdempotencyKey } from '../http/idempotency.interceptor';
import { Page, PageOf, pageWindow, toPage } from '../http/pagination';
import { Problem } from '../http/problem';
import {
  DisbursementInstructionDto,
  FinancingDto,
  FinancingListQuery,
  FinancingSummaryDto,
  FundFinancingDto,
  NewFinancingRequestDto,
  RejectFinancingDto,
} from './financing.dto';

const ALL_ROLES = Object.values(Role);
const SUPPLIER_ROLES = [Role.SUPPLIER_ADMIN, Role.SUPPLIER_FINANCE];
const BANK_ROLES = [Role.BANK_ADMIN, Role.BANK_CREDIT_OFFICER, Role.BANK_APPROVER, Role.BANK_OPERATIONS];

@ApiTags('financing')
@Controller('v1/financing-requests')
@ApiNotFoundResponse({ type: Problem, description: 'no such financing request visible to your organisation' })
export class FinancingController {
  constructor(
    private readonly financing: FinancingService,
    private readonly disbursements: DisbursementService,
  ) {}

  /** The supplier accepts open offers of one program; the limit is reserved at this instant. */
  @Post()
  @Roles(...SUPPLIER_ROLES)
  @RequiresIdempotencyKey()
  @ApiCreatedResponse({ type: FinancingDto })
  @ApiBadRequestResponse({ type: Problem, description: 'offers_span_programs, malformed or repeated ids, idempotency_key_required' })
  @ApiConflictResponse({
    type: Problem,
    description:
      'program_suspended, program_expired, enrolment_suspended, offer_not_open, offer_expired, offer_stale (priced under terms since changed), ' +
      'receivable_not_open, program_limit_exceeded, sub_limit_exceeded',
  })
  create(@CurrentActor() actor: Actor, @Body() body: NewFinancingRequestDto): Promise<FinancingDto> {
    return this.financing.request(actor, body.offerIds);
  }

  @Get()
  @Roles(...ALL_ROLES)
  @ApiOkResponse({ type: PageOf(FinancingSummaryDto) })
  async list(@CurrentActor() actor: Actor, @Query() query: FinancingListQuery): Promise<Page<FinancingSummaryDto>> {
    const window = pageWindow(query);
    const rows = await this.financing.list(actor, { status: query.status, programId: query.programId, sort: query.sort, ...window });
    return toPage(rows, window, (row) => row);
  }

  @Get(':id')
  @Roles(...ALL_ROLES)
  @ApiOkResponse({ type: FinancingDto })
  get(@CurrentActor() actor: Actor, @Param('id', new IdPipe('id')) id: string): Promise<FinancingDto> {
    return this.financing.get(actor, id);
  }

  /** Where the funded proceeds were paid: for the program's bank and the supplier paid (404 before funding). */
  @Get(':id/disbursement-instruction')
  @Roles(...BANK_ROLES, ...SUPPLIER_ROLES)
  @ApiOkResponse({ type: DisbursementInstructionDto })
  disbursementInstruction(@CurrentActor() actor: Actor, @Param('id', new IdPipe('id')) id: string): Promise<DisbursementInstructionDto> {
    return this.disbursements.forFinancing(actor, id);
  }

  @Post(':id/approve')
  @HttpCode(200)
  @Roles(Role.BANK_APPROVER)
  @ApiOkResponse({ type: FinancingDto })
  @ApiConflictResponse({ type: Problem, description: 'financing_not_requested, program_suspended, program_expired, enrolment_suspended' })
  approve(@CurrentActor() actor: Actor, @Param('id', new IdPipe('id')) id: string): Promise<FinancingDto> {
    return this.financing.approve(actor, id);
  }

  /** The bank refuses a request not yet funded; its limit is released and the receivables reopen. */
  @Post(':id/reject')
  @HttpCode(200)
  @Roles(Role.BANK_APPROVER)
  @ApiOkResponse({ type: FinancingDto })
  @ApiConflictResponse({ type: Problem, description: 'financing_not_rejectable' })
  reject(
    @CurrentActor() actor: Actor,
    @Param('id', new IdPipe('id')) id: string,
    @Body() body: RejectFinancingDto,
  ): Promise<FinancingDto> {
    return this.financing.reject(actor, id, body.reason);
  }

  /** The supplier withdraws a request not yet funded; its limit is released and the receivables reopen. */
  @Post(':id/cancel')
  @HttpCode(200)
  @Roles(...SUPPLIER_ROLES)
  @ApiOkResponse({ type: FinancingDto })
  @ApiConflictResponse({ type: Problem, description: 'financing_not_cancellable' })
  cancel(@CurrentActor() actor: Actor, @Param('id', new IdPipe('id')) id: string): Promise<FinancingDto> {
    return this.financing.cancel(actor, id);
  }

  /**
   * Disbursement at the value date: the accepted amounts on the offers' value date, re-priced for a
   * later one. The net proceeds go to the supplier's verified payout account, named in a
   * disbursement instruction.
   */
  @Post(':id/fund')
  @HttpCode(200)
  @Roles(Role.BANK_OPERATIONS)
  @RequiresIdempotencyKey()
  @ApiOkResponse({ type: FinancingDto })
  @ApiBadRequestResponse({ type: Problem, description: 'value_date_in_past, value_date_not_before_maturity, tenor_out_of_range, idempotency_key_required' })
  @ApiConflictResponse({
    type: Problem,
    description:
      'financing_not_approved, program_suspended, program_expired, enrolment_suspended, net_proceeds_not_positive (re-priced for that value date), payout_account_unverified (the supplier has no payout account verified by a bank)',
  })
  fund(
    @CurrentActor() actor: Actor,
    @Param('id', new IdPipe('id')) id: string,
    @Body() body: FundFinancingDto,
  ): Promise<FinancingDto> {
    return this.financing.fund(actor, id, body.valueDate);
  }
}
