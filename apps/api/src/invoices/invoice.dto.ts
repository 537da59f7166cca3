import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsEnum, IsIn, IsOptional, IsString, IsUUID, Length, Matches } from 'class-validator';
import { Decimal, formatAmount } from '@scf/core';
import {
  ConfirmedInvoice,
  CreditNoteView,
  DOCUMENT_NUMBER_PATTERN,
  DuplicateFlagView,
  DuplicateRule,
  InvoiceInput,
  InvoiceStatus,
  InvoiceView,
  LIST_SORTS,
  ListSort,
  MAX_BATCH_ROWS,
  PayableInput,
  SubmittedInvoice,
  UploadedPayable,
} from '@scf/receivables';
import { AmountField, CurrencyField, DateField, IdField } from '../http/fields';
import { PageQuery } from '../http/pagination';

const DocumentNumberField = (description: string, example: string) =>
  applyDecorators(
    ApiProperty({ description, example, minLength: 1, maxLength: 64 }),
    IsString(),
    Matches(DOCUMENT_NUMBER_PATTERN, { message: '$property must be 1 to 64 printable characters' }),
  );

export class InvoiceRowDto implements InvoiceInput {
  @DocumentNumberField(
    'the number printed on the invoice; unique among the supplier\'s invoices that are not REJECTED, in every program, compared without case, spaces, separators (- _ / . \\) and with full-width forms folded (NFKC)',
    'INV-2026-0001',
  )
  invoiceNumber: string;
  @CurrencyField() currency: string;
  @AmountField('invoice amount in the program currency, at most its minor-unit decimals') amount: string;
  @DateField('issue date', '2026-02-26') issueDate: string;
  @DateField('due date: the anchor pays on it; after the issue date', '2026-05-27') dueDate: string;
}

export class NewInvoiceDto extends InvoiceRowDto {
  @IdField('program the invoice is submitted to; the supplier must be enrolled in it') programId: string;
}

/** The fields of a bulk submission besides its rows (see BatchBody). */
export class InvoiceBatchEnvelope {
  @IdField('program the invoices are submitted to') programId: string;
}

/** Bulk submission as documented; the rows are checked by the service, which names every bad row. */
export class InvoiceBatchDto extends InvoiceBatchEnvelope {
  @ApiProperty({ type: [InvoiceRowDto], minItems: 1, maxItems: MAX_BATCH_ROWS, description: 'all or nothing: one bad row refuses the batch' })
  invoices: unknown[];
}

export class PayableRowDto extends InvoiceRowDto implements PayableInput {
  @IdField('the supplier owed; enrolled in the program') supplierId: string;
}

export class PayableBatchEnvelope {
  @IdField('program of the anchor the payables belong to') programId: string;
}

export class PayableBatchDto extends PayableBatchEnvelope {
  @ApiProperty({ type: [PayableRowDto], minItems: 1, maxItems: MAX_BATCH_ROWS, description: 'all or nothing: one bad row refuses the batch' })
  payables: unknown[];
}

export class RejectionDto {
  @ApiProperty({ example: 'goods returned', minLength: 1, maxLength: 500 }) @IsString() @Length(1, 500) reason: string;
}

export class InvoiceIdsDto {
  @ApiProperty({ type: [String], format: 'uuid', minItems: 1, maxItems: MAX_BATCH_ROWS, description: 'all or nothing' })
  @IsArray() @ArrayMinSize(1) @ArrayMaxSize(MAX_BATCH_ROWS) @IsUUID('all', { each: true, message: 'each of $property must be a UUID' })
  invoiceIds: string[];
}

export class RejectionBatchDto extends InvoiceIdsDto {
  @ApiProperty({ example: 'goods returned', minLength: 1, maxLength: 500 }) @IsString() @Length(1, 500) reason: string;
}

export class NewCreditNoteDto {
  @DocumentNumberField('credit note number; unique per invoice', 'CN-2026-0001') creditNoteNumber: string;
  @AmountField('amount credited, in the invoice currency; the credited total stays below the invoice amount', '50000.00') amount: string;
}

export class InvoiceQuery extends PageQuery {
  @ApiPropertyOptional({ enum: InvoiceStatus }) @IsOptional() @IsEnum(InvoiceStatus) status?: InvoiceStatus;
  @IdField('only this program', true) programId?: string;
  @IdField('only this supplier', true) supplierId?: string;
  @DateField('due on or after', '2026-04-01', true) dueFrom?: string;
  @DateField('due on or before', '2026-06-30', true) dueTo?: string;
  @ApiPropertyOptional({ enum: LIST_SORTS, default: '-createdAt', description: "a leading '-' sorts descending" })
  @IsOptional() @IsIn(LIST_SORTS)
  sort?: ListSort;
}

export class DuplicateFlagDto implements DuplicateFlagView {
  @ApiProperty({ enum: DuplicateRule, description: 'NUMBER_OF_ANOTHER_SUPPLIER: same normalised number from another supplier; SAME_AMOUNT_AND_DATES: same supplier, amount and dates under another number' })
  rule: DuplicateRule;
  @ApiProperty({ format: 'uuid', description: 'the live invoice under the same anchor this one looks like' }) matchedInvoiceId: string;
  @ApiProperty({ example: 'INV 2026 0001' }) matchedInvoiceNumber: string;
  @ApiProperty({ format: 'uuid' }) matchedSupplierId: string;
  @ApiProperty({ example: "another supplier's invoice INV 2026 0001 has the same number once case, spaces and separators are ignored" }) reason: string;
}

export class InvoiceDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) programId: string;
  @ApiProperty({ format: 'uuid' }) supplierId: string;
  @ApiProperty({ format: 'uuid' }) anchorId: string;
  @ApiProperty({ example: 'INV-2026-0001' }) invoiceNumber: string;
  @ApiProperty({ example: 'CNY' }) currency: string;
  @ApiProperty({ example: '1000000.00' }) amount: string;
  @ApiProperty({ example: '0.00', description: 'sum of credit notes' }) creditedAmount: string;
  @ApiProperty({ example: '1000000.00', description: 'amount − creditedAmount: what the anchor pays at maturity once confirmed' })
  payableAmount: string;
  @ApiProperty({ format: 'date' }) issueDate: string;
  @ApiProperty({ format: 'date' }) dueDate: string;
  @ApiProperty({ enum: InvoiceStatus }) status: InvoiceStatus;
  @ApiProperty({ type: String, nullable: true }) rejectionReason: string | null;
  @ApiProperty({ format: 'uuid', description: 'the anchor when it uploaded the payable itself' }) submittedByOrganisationId: string;
  @ApiProperty({ type: String, format: 'uuid', nullable: true, description: 'the receivable born from the confirmation' })
  receivableId: string | null;
  @ApiProperty() createdAt: Date;
  @ApiProperty({ type: Date, nullable: true }) decidedAt: Date | null;
  @ApiPropertyOptional({
    type: [DuplicateFlagDto],
    description: 'shown to the anchor only: live invoices under it that this one looks like, for it to review before confirming',
  })
  duplicateFlags?: DuplicateFlagDto[];

  static of(invoice: InvoiceView): InvoiceDto {
    return {
      id: invoice.id,
      programId: invoice.programId,
      supplierId: invoice.supplierId,
      anchorId: invoice.anchorId,
      invoiceNumber: invoice.invoiceNumber,
      currency: invoice.currency,
      amount: formatAmount(invoice.amount, invoice.currency),
      creditedAmount: formatAmount(invoice.creditedAmount, invoice.currency),
      payableAmount: formatAmount(new Decimal(invoice.amount).minus(invoice.creditedAmount), invoice.currency),
      issueDate: invoice.issueDate,
      dueDate: invoice.dueDate,
      status: invoice.status,
      rejectionReason: invoice.rejectionReason,
      submittedByOrganisationId: invoice.submittedByOrganisationId,
      receivableId: invoice.receivableId,
      createdAt: invoice.createdAt,
      decidedAt: invoice.decidedAt,
      ...(invoice.duplicateFlags && { duplicateFlags: invoice.duplicateFlags }),
    };
  }
}

class SubmittedInvoiceDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() invoiceNumber: string;
}

export class SubmittedBatchDto {
  @ApiProperty() count: number;
  @ApiProperty({ type: [SubmittedInvoiceDto] }) invoices: SubmittedInvoiceDto[];

  static of(invoices: SubmittedInvoice[]): SubmittedBatchDto {
    return { count: invoices.length, invoices: invoices.map(({ id, invoiceNumber }) => ({ id, invoiceNumber })) };
  }
}

class UploadedPayableDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() invoiceNumber: string;
  @ApiProperty({ format: 'uuid' }) supplierId: string;
  @ApiProperty({ format: 'uuid' }) receivableId: string;
}

export class UploadedPayablesDto {
  @ApiProperty() count: number;
  @ApiProperty({ type: [UploadedPayableDto] }) invoices: UploadedPayableDto[];

  static of(payables: UploadedPayable[]): UploadedPayablesDto {
    return { count: payables.length, invoices: payables.map(({ id, invoiceNumber, supplierId, receivableId }) => ({ id, invoiceNumber, supplierId, receivableId })) };
  }
}

class ConfirmedInvoiceDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) receivableId: string;
}

export class ConfirmedBatchDto {
  @ApiProperty() count: number;
  @ApiProperty({ type: [ConfirmedInvoiceDto] }) invoices: ConfirmedInvoiceDto[];

  static of(confirmed: ConfirmedInvoice[]): ConfirmedBatchDto {
    return { count: confirmed.length, invoices: confirmed.map(({ id, receivableId }) => ({ id, receivableId })) };
  }
}

export class RejectedBatchDto {
  @ApiProperty() count: number;
  @ApiProperty({ type: [String], format: 'uuid' }) invoiceIds: string[];

  static of(invoices: InvoiceView[]): RejectedBatchDto {
    return { count: invoices.length, invoiceIds: invoices.map((invoice) => invoice.id) };
  }
}

export class CreditNoteDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) invoiceId: string;
  @ApiProperty({ example: 'CN-2026-0001' }) creditNoteNumber: string;
  @ApiProperty({ example: 'CNY' }) currency: string;
  @ApiProperty({ example: '50000.00' }) amount: string;
  @ApiProperty() createdAt: Date;
  @ApiProperty({ type: InvoiceDto, description: 'the invoice after the credit' }) invoice: InvoiceDto;

  static of({ creditNote, invoice }: { creditNote: CreditNoteView; invoice: InvoiceView }): CreditNoteDto {
    return {
      id: creditNote.id,
      invoiceId: creditNote.invoiceId,
      creditNoteNumber: creditNote.creditNoteNumber,
      currency: invoice.currency,
      amount: formatAmount(creditNote.amount, invoice.currency),
      createdAt: creditNote.createdAt,
      invoice: InvoiceDto.of(invoice),
    };
  }
}
