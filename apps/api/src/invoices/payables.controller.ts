import { Controller, Post } from '@nestjs/common';
import { ApiBadRequestResponse, ApiBody, ApiConflictResponse, ApiCreatedResponse, ApiNotFoundResponse, ApiTags } from '@nestjs/swagger';
import { Actor, Role } from '@scf/identity';
import { InvoicesService } from '@scf/receivables';
import { CurrentActor, Roles } from '../auth/auth.decorators';
import { Problem } from '../http/problem';
import { BatchBody } from './batch-body';
import { PayableBatchDto, PayableBatchEnvelope, UploadedPayablesDto } from './invoice.dto';

@ApiTags('invoices')
@Controller('v1/payables')
export class PayablesController {
  constructor(private readonly invoices: InvoicesService) {}

  /**
   * The anchor uploads up to 10,000 of its approved payables, all or nothing. It vouches for them,
   * so each becomes a confirmed invoice and an OPEN receivable at once.
   */
  @Post('bulk')
  @Roles(Role.ANCHOR_ADMIN, Role.ANCHOR_PAYABLES)
  @ApiBody({ type: PayableBatchDto })
  @ApiCreatedResponse({ type: UploadedPayablesDto })
  @ApiBadRequestResponse({ type: Problem, description: '`violations` names every bad row, e.g. payables[17].supplierId' })
  @ApiNotFoundResponse({ type: Problem, description: 'program not found or not the anchor\'s' })
  @ApiConflictResponse({ type: Problem, description: 'program_not_active, or duplicate_invoice raced in meanwhile' })
  async upload(@CurrentActor() actor: Actor, @BatchBody(PayableBatchEnvelope, 'payables') body: PayableBatchDto): Promise<UploadedPayablesDto> {
    return UploadedPayablesDto.of(await this.invoices.uploadPayables(actor, body.programId, body.payables));
  }
}
