import { Body, Controller, Get, HttpCode, Param, Post, Query, Res } from '@nestjs/common';
import type { Response } from 'express';
import {
  ApiAcceptedResponse,
  ApiBadRequestResponse,
  ApiBody,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiTags,
} from '@nestjs/swagger';
import { Actor, Role } from '@scf/identity';
import { InvoicesService } from '@scf/receivables';
import { CurrentActor, Roles } from '../auth/auth.decorators';
import { IdPipe } from '../http/id.pipe';
import { Page, PageOf, pageWindow, toPage } from '../http/pagination';
import { Problem } from '../http/problem';
import { BatchBody } from './batch-body';
import { DischargeDto, isDischarge } from './discharge.dto';
import {
  ConfirmedBatchDto,
  CreditNoteDto,
  InvoiceBatchDto,
  InvoiceBatchEnvelope,
  InvoiceDto,
  InvoiceIdsDto,
  InvoiceQuery,
  NewCreditNoteDto,
  NewInvoiceDto,
  RejectedBatchDto,
  RejectionBatchDto,
  RejectionDto,
  SubmittedBatchDto,
} from './invoice.dto';

const SUPPLIER = [Role.SUPPLIER_ADMIN, Role.SUPPLIER_FINANCE];
const ANCHOR = [Role.ANCHOR_ADMIN, Role.ANCHOR_PAYABLES];
const EVERYONE = Object.values(Role);

const InvoicePage = PageOf(InvoiceDto);

@ApiTags('invoices')
@ApiBadRequestResponse({ type: Problem, description: 'invalid input; `field` and `violations` name every offending field' })
@Controller('v1/invoices')
export class InvoicesController {
  constructor(private readonly invoices: InvoicesService) {}

  /** A supplier submits an invoice on the anchor to a program it is enrolled in. */
  @Post()
  @Roles(...SUPPLIER)
  @ApiCreatedResponse({ type: InvoiceDto })
  @ApiNotFoundResponse({ type: Problem, description: 'program not found or the supplier is not enrolled in it' })
  @ApiConflictResponse({
    type: Problem,
    description: "duplicate_invoice (the supplier's live invoice with the same number, in any program, compared without case, spaces and separators), program_not_active",
  })
  async submit(@CurrentActor() actor: Actor, @Body() body: NewInvoiceDto): Promise<InvoiceDto> {
    const { programId, invoiceNumber, currency, amount, issueDate, dueDate } = body;
    return InvoiceDto.of(await this.invoices.submit(actor, programId, { invoiceNumber, currency, amount, issueDate, dueDate }));
  }

  /** Up to 10,000 invoices at once, all or nothing: any bad row refuses the batch and is named in `violations`. */
  @Post('bulk')
  @Roles(...SUPPLIER)
  @ApiBody({ type: InvoiceBatchDto })
  @ApiCreatedResponse({ type: SubmittedBatchDto })
  @ApiNotFoundResponse({ type: Problem, description: 'program not found or the supplier is not enrolled in it' })
  @ApiConflictResponse({ type: Problem, description: 'program_not_active, or duplicate_invoice raced in meanwhile' })
  async submitMany(@CurrentActor() actor: Actor, @BatchBody(InvoiceBatchEnvelope, 'invoices') body: InvoiceBatchDto): Promise<SubmittedBatchDto> {
    return SubmittedBatchDto.of(await this.invoices.submitMany(actor, body.programId, body.invoices));
  }

  /** The anchor confirms up to 10,000 submitted invoices at once, all or nothing. */
  @Post('confirmations')
  @HttpCode(200)
  @Roles(...ANCHOR)
  @ApiOkResponse({ type: ConfirmedBatchDto })
  @ApiConflictResponse({ type: Problem, description: 'invalid_state: an invoice was decided meanwhile' })
  async confirmMany(@CurrentActor() actor: Actor, @Body() body: InvoiceIdsDto): Promise<ConfirmedBatchDto> {
    return ConfirmedBatchDto.of(await this.invoices.confirmMany(actor, body.invoiceIds));
  }

  @Post('rejections')
  @HttpCode(200)
  @Roles(...ANCHOR)
  @ApiOkResponse({ type: RejectedBatchDto })
  @ApiConflictResponse({ type: Problem, description: 'invalid_state: an invoice was decided meanwhile' })
  async rejectMany(@CurrentActor() actor: Actor, @Body() body: RejectionBatchDto): Promise<RejectedBatchDto> {
    return RejectedBatchDto.of(await this.invoices.rejectMany(actor, body.invoiceIds, body.reason));
  }

  @Get()
  @Roles(...EVERYONE)
  @ApiOkResponse({ type: InvoicePage })
  async list(@CurrentActor() actor: Actor, @Query() query: InvoiceQuery): Promise<Page<InvoiceDto>> {
    const window = pageWindow(query);
    const { status, programId, supplierId, dueFrom, dueTo, sort } = query;
    const rows = await this.invoices.list(actor, { status, programId, supplierId, dueFrom, dueTo, sort }, window);
    return toPage(rows, window, InvoiceDto.of);
  }

  @Get(':id')
  @Roles(...EVERYONE)
  @ApiOkResponse({ type: InvoiceDto })
  @ApiNotFoundResponse({ type: Problem })
  async get(@CurrentActor() actor: Actor, @Param('id', new IdPipe('invoiceId')) id: string): Promise<InvoiceDto> {
    return InvoiceDto.of(await this.invoices.get(actor, id));
  }

  /** The anchor's irrevocable promise to pay the payable amount on the due date: creates the receivable. */
  @Post(':id/confirm')
  @HttpCode(200)
  @Roles(...ANCHOR)
  @ApiOkResponse({ type: InvoiceDto })
  @ApiNotFoundResponse({ type: Problem })
  @ApiConflictResponse({ type: Problem, description: 'invalid_state: the invoice is not SUBMITTED' })
  async confirm(@CurrentActor() actor: Actor, @Param('id', new IdPipe('invoiceId')) id: string): Promise<InvoiceDto> {
    return InvoiceDto.of(await this.invoices.confirm(actor, id));
  }

  @Post(':id/reject')
  @HttpCode(200)
  @Roles(...ANCHOR)
  @ApiOkResponse({ type: InvoiceDto })
  @ApiNotFoundResponse({ type: Problem })
  @ApiConflictResponse({ type: Problem, description: 'invalid_state: the invoice is not SUBMITTED' })
  async reject(@CurrentActor() actor: Actor, @Param('id', new IdPipe('invoiceId')) id: string, @Body() body: RejectionDto): Promise<InvoiceDto> {
    return InvoiceDto.of(await this.invoices.reject(actor, id, body.reason));
  }

  /**
   * The supplier or the anchor reduces the invoice before it is financed. The anchor's credit note
   * on a confirmed invoice lowers its own debt: it answers 202 with a PENDING discharge, which the
   * supplier acknowledges or the bank confirms (/v1/discharges).
   */
  @Post(':id/credit-notes')
  @Roles(...SUPPLIER, ...ANCHOR)
  @ApiCreatedResponse({ type: CreditNoteDto, description: 'credited at once' })
  @ApiAcceptedResponse({ type: DischargeDto, description: "the anchor's credit note on a confirmed invoice, PENDING until acknowledged or confirmed" })
  @ApiNotFoundResponse({ type: Problem })
  @ApiConflictResponse({
    type: Problem,
    description:
      'credit_exceeds_amount, duplicate_credit_note, receivable_in_financing, receivable_settled, receivable_transferred, invalid_state, discharge_pending (a discharge of the receivable awaits its decision)',
  })
  async addCreditNote(
    @CurrentActor() actor: Actor,
    @Param('id', new IdPipe('invoiceId')) id: string,
    @Body() body: NewCreditNoteDto,
    @Res({ passthrough: true }) response: Response,
  ): Promise<CreditNoteDto | DischargeDto> {
    const result = await this.invoices.addCreditNote(actor, id, { creditNoteNumber: body.creditNoteNumber, amount: body.amount });
    if (!isDischarge(result)) return CreditNoteDto.of(result);
    response.status(202);
    return DischargeDto.of(result);
  }
}
