import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsEnum, IsOptional } from 'class-validator';
import { formatAmount } from '@scf/core';
import { DischargeKind, DischargeStatus, DischargeView } from '@scf/receivables';
import { IdField } from '../http/fields';
import { PageQuery } from '../http/pagination';

/** The anchor's payment or credit note that lowers its own debt, awaiting or after its decision. */
export class DischargeDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ enum: DischargeKind, description: "PAYMENT: the anchor's payment of an unfinanced receivable; CREDIT_NOTE: its credit note on a confirmed one" })
  kind: DischargeKind;
  @ApiProperty({ format: 'uuid' }) receivableId: string;
  @ApiProperty({ format: 'uuid' }) invoiceId: string;
  @ApiProperty({ format: 'uuid' }) programId: string;
  @ApiProperty({ format: 'uuid' }) supplierId: string;
  @ApiProperty({ format: 'uuid' }) anchorId: string;
  @ApiProperty({ example: 'CNY' }) currency: string;
  @ApiProperty({ example: '1000000.00', description: 'paid, or credited' }) amount: string;
  @ApiProperty({ type: String, format: 'date', nullable: true, description: 'PAYMENT only' }) paidOn: string | null;
  @ApiProperty({ type: String, nullable: true, example: 'CN-2026-0001', description: 'CREDIT_NOTE only' }) creditNoteNumber: string | null;
  @ApiProperty({
    enum: DischargeStatus,
    description: 'PENDING changes nothing (the receivable has no offer meanwhile); ACKNOWLEDGED by the supplier or CONFIRMED by the bank\'s operations took effect; REJECTED did not',
  })
  status: DischargeStatus;
  @ApiProperty({ format: 'uuid', description: 'the anchor user who recorded it' }) claimedBy: string;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) decidedBy: string | null;
  @ApiProperty({ type: String, format: 'uuid', nullable: true, description: 'the supplier or the bank' }) decidedByOrganisationId: string | null;
  @ApiProperty({ type: String, nullable: true, description: 'why it was rejected' }) decisionReason: string | null;
  @ApiProperty({ type: String, format: 'uuid', nullable: true, description: 'once it took effect: the payment or the credit note written' })
  outcomeId: string | null;
  @ApiProperty() createdAt: Date;
  @ApiProperty({ type: Date, nullable: true }) decidedAt: Date | null;

  static of(discharge: DischargeView): DischargeDto {
    return { ...discharge, amount: formatAmount(discharge.amount, discharge.currency) };
  }
}

export class DischargeQuery extends PageQuery {
  @ApiPropertyOptional({ enum: DischargeStatus }) @IsOptional() @IsEnum(DischargeStatus) status?: DischargeStatus;
  @ApiPropertyOptional({ enum: DischargeKind }) @IsOptional() @IsEnum(DischargeKind) kind?: DischargeKind;
  @IdField('only those of this receivable', true) receivableId?: string;
}

/** A discharge, told apart from the other answer of the routes that may create one. */
export const isDischarge = (result: object): result is DischargeView => 'kind' in result && 'claimedBy' in result;
