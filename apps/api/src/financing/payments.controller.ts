import { Body, Controller, Get, HttpCode, Param, Post, Query, Res } from '@nestjs/common';
import type { Response } from 'express';
import { ApiAcceptedResponse, ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { PaymentsService, StatementsService } from '@scf/financing';
import { Actor, Role } from '@scf/identity';
import { CurrentActor, Roles } from '../auth/auth.decorators';
import { IdPipe } from '../http/id.pipe';
import { RequiresIdempotencyKey } from '../http/idempotency.interceptor';
import { DischargeDto, isDischarge } from '../invoices/discharge.dto';
import { Page, PageOf, pageWindow, toPage } from '../http/pagination';
import { ProblemResponses } from '../programs/problem-responses';
import { BANK_ROLES } from '../programs/roles';
import { NewPaymentDto, PaymentDto } from './financing.dto';
import { NewPaymentRunDto, PaymentQuery, PaymentRunDto, ReasonDto, ReversalDto } from './servicing.dto';

const PaymentPage = PageOf(PaymentDto);
/** Payment allocations show the supplier's price: its bank and the supplier read them. */
const PAYMENT_READERS = [...BANK_ROLES, Role.SUPPLIER_ADMIN, Role.SUPPLIER_FINANCE];
const BANK_CHECKERS = [Role.BANK_APPROVER, Role.BANK_OPERATIONS];

@ApiTags('servicing')
@Controller('v1')
export class PaymentsController {
  constructor(
    private readonly payments: PaymentsService,
    private readonly statements: StatementsService,
  ) {}

  /**
   * The anchor's payment. A financed receivable is repaid to the bank, whose operations record
   * each payment (partial, complete or over): penalty first, then the advance, then the
   * supplier's reserve, any excess owed back to the anchor. An unfinanced one is paid in full:
   * recorded by the bank's operations it settles at once; recorded by the anchor, whose debt it
   * is, it answers 202 with a PENDING discharge that settles once the supplier acknowledges it or
   * the bank confirms it.
   */
  @Post('receivables/:id/payments')
  @Roles(Role.BANK_OPERATIONS, Role.ANCHOR_ADMIN, Role.ANCHOR_PAYABLES)
  @RequiresIdempotencyKey()
  @ApiCreatedResponse({ type: PaymentDto, description: 'recorded' })
  @ApiAcceptedResponse({ type: DischargeDto, description: "the anchor's payment of an unfinanced receivable, PENDING until acknowledged or confirmed" })
  @ProblemResponses(400, 404, 409)
  async record(
    @CurrentActor() actor: Actor,
    @Param('id', new IdPipe('id')) id: string,
    @Body() body: NewPaymentDto,
    @Res({ passthrough: true }) response: Response,
  ): Promise<PaymentDto | DischargeDto> {
    const recorded = await this.payments.record(actor, id, body);
    if (!isDischarge(recorded)) return recorded;
    response.status(202);
    return DischargeDto.of(recorded);
  }

  /** A payment file of the bank: up to 10,000 repayments of financed receivables, all or nothing; a refused line is named in `field` (`lines[3].paidOn`). */
  @Post('payment-runs')
  @Roles(Role.BANK_OPERATIONS)
  @RequiresIdempotencyKey()
  @ApiCreatedResponse({ type: PaymentRunDto })
  @ProblemResponses(400, 404, 409)
  recordRun(@CurrentActor() actor: Actor, @Body() body: NewPaymentRunDto): Promise<PaymentRunDto> {
    return this.payments.recordRun(actor, body.lines);
  }

  @Get('payments')
  @Roles(...PAYMENT_READERS)
  @ApiOkResponse({ type: PaymentPage })
  @ProblemResponses(400)
  async list(@CurrentActor() actor: Actor, @Query() query: PaymentQuery): Promise<Page<PaymentDto>> {
    const window = pageWindow(query);
    const { rows } = await this.statements.listPayments(actor, query, window);
    return toPage(rows, window, (row) => row);
  }

  @Get('payments/:id')
  @Roles(...PAYMENT_READERS)
  @ApiOkResponse({ type: PaymentDto })
  @ProblemResponses(400, 404)
  get(@CurrentActor() actor: Actor, @Param('id', new IdPipe('paymentId')) id: string): Promise<PaymentDto> {
    return this.statements.getPayment(actor, id);
  }

  /** Proposes undoing a wrong repayment; nothing changes until another bank user approves. */
  @Post('payments/:id/reversals')
  @Roles(Role.BANK_OPERATIONS)
  @ApiCreatedResponse({ type: ReversalDto, description: 'PENDING' })
  @ProblemResponses(400, 404, 409)
  proposeReversal(@CurrentActor() actor: Actor, @Param('id', new IdPipe('paymentId')) id: string, @Body() body: ReasonDto): Promise<ReversalDto> {
    return this.payments.proposeReversal(actor, id, body.reason);
  }

  @Post('payments/:id/reversals/:reversalId/approve')
  @HttpCode(200)
  @Roles(...BANK_CHECKERS)
  @ApiOkResponse({ type: ReversalDto, description: 'APPROVED: balances, statuses and limit restored; the proposer can never approve (403 four_eyes)' })
  @ProblemResponses(400, 404, 409)
  approveReversal(
    @CurrentActor() actor: Actor,
    @Param('id', new IdPipe('paymentId')) id: string,
    @Param('reversalId', new IdPipe('reversalId')) reversalId: string,
  ): Promise<ReversalDto> {
    return this.payments.approveReversal(actor, id, reversalId);
  }

  @Post('payments/:id/reversals/:reversalId/reject')
  @HttpCode(200)
  @Roles(...BANK_CHECKERS)
  @ApiOkResponse({ type: ReversalDto, description: 'REJECTED: the payment stands' })
  @ProblemResponses(400, 404, 409)
  rejectReversal(
    @CurrentActor() actor: Actor,
    @Param('id', new IdPipe('paymentId')) id: string,
    @Param('reversalId', new IdPipe('reversalId')) reversalId: string,
    @Body() body: ReasonDto,
  ): Promise<ReversalDto> {
    return this.payments.rejectReversal(actor, id, reversalId, body.reason);
  }
}
