import { Body, Controller, Param, Post, Res } from '@nestjs/common';
import type { Response } from 'express';
import { ApiAcceptedResponse, ApiBadRequestResponse, ApiConflictResponse, ApiCreatedResponse, ApiNotFoundResponse, ApiTags } from '@nestjs/swagger';
import { PaymentsService } from '@scf/financing';
import { Actor, Role } from '@scf/identity';
import { CurrentActor, Roles } from '../auth/auth.decorators';
import { IdPipe } from '../http/id.pipe';
import { RequiresIdempotencyKey } from '../http/idempotency.interceptor';
import { Problem } from '../http/problem';
import { DischargeDto, isDischarge } from '../invoices/discharge.dto';
import { NewPaymentDto, PaymentDto } from './financing.dto';

@ApiTags('financing')
@Controller('v1/receivables')
export class PaymentsController {
  constructor(private readonly payments: PaymentsService) {}

  /**
   * The anchor's payment at maturity. A financed receivable is recorded by the bank's operations
   * and split (advance to the bank, reserve to the supplier). An unfinanced one recorded by the
   * bank's operations settles at once; recorded by the anchor, whose debt it is, it answers 202
   * with a PENDING discharge that settles once the supplier acknowledges it or the bank confirms it.
   */
  @Post(':id/payments')
  @Roles(Role.BANK_OPERATIONS, Role.ANCHOR_ADMIN, Role.ANCHOR_PAYABLES)
  @RequiresIdempotencyKey()
  @ApiCreatedResponse({ type: PaymentDto, description: 'recorded and settled' })
  @ApiAcceptedResponse({ type: DischargeDto, description: "the anchor's payment of an unfinanced receivable, PENDING until acknowledged or confirmed" })
  @ApiBadRequestResponse({ type: Problem, description: 'amount_mismatch, idempotency_key_required' })
  @ApiNotFoundResponse({ type: Problem, description: 'no such receivable visible to your organisation' })
  @ApiConflictResponse({ type: Problem, description: 'already_paid, financing_pending, discharge_pending (a discharge of the receivable awaits its decision)' })
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
}
