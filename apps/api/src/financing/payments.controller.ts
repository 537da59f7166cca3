import { Body, Controller, Param, Post } from '@nestjs/common';
import { ApiBadRequestResponse, ApiConflictResponse, ApiCreatedResponse, ApiNotFoundResponse, ApiTags } from '@nestjs/swagger';
import { PaymentsService } from '@scf/financing';
import { Actor, Role } from '@scf/identity';
import { CurrentActor, Roles } from '../auth/auth.decorators';
import { IdPipe } from '../http/id.pipe';
import { RequiresIdempotencyKey } from '../http/idempotency.interceptor';
import { Problem } from '../http/problem';
import { NewPaymentDto, PaymentDto } from './financing.dto';

@ApiTags('financing')
@Controller('v1/receivables')
export class PaymentsController {
  constructor(private readonly payments: PaymentsService) {}

  /**
   * The anchor's payment at maturity. A financed receivable is recorded by the bank's operations
   * and split (advance to the bank, reserve to the supplier); an unfinanced one by the anchor or the bank.
   */
  @Post(':id/payments')
  @Roles(Role.BANK_OPERATIONS, Role.ANCHOR_ADMIN, Role.ANCHOR_PAYABLES)
  @RequiresIdempotencyKey()
  @ApiCreatedResponse({ type: PaymentDto })
  @ApiBadRequestResponse({ type: Problem, description: 'amount_mismatch, idempotency_key_required' })
  @ApiNotFoundResponse({ type: Problem, description: 'no such receivable visible to your organisation' })
  @ApiConflictResponse({ type: Problem, description: 'already_paid, financing_pending' })
  record(
    @CurrentActor() actor: Actor,
    @Param('id', new IdPipe('id')) id: string,
    @Body() body: NewPaymentDto,
  ): Promise<PaymentDto> {
    return this.payments.record(actor, id, body);
  }
}
