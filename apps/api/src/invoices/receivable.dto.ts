import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsEnum, IsIn, IsOptional } from 'class-validator';
import { formatAmount, formatRate } from '@scf/core';
import { LIST_SORTS, ListSort, OpenOfferView, ReceivableDetail, ReceivableStatus, ReceivableView } from '@scf/receivables';
import { DateField, IdField, NotForAnchor } from '../http/fields';
import { PageQuery } from '../http/pagination';

export class ReceivableQuery extends PageQuery {
  @ApiPropertyOptional({ enum: ReceivableStatus }) @IsOptional() @IsEnum(ReceivableStatus) status?: ReceivableStatus;
  @IdField('only this program', true) programId?: string;
  @DateField('due on or after', '2026-04-01', true) dueFrom?: string;
  @DateField('due on or before', '2026-06-30', true) dueTo?: string;
  @ApiPropertyOptional({ enum: LIST_SORTS, default: 'dueDate', description: "a leading '-' sorts descending; amount is the face amount" })
  @IsOptional() @IsIn(LIST_SORTS)
  sort?: ListSort;
}

export class ReceivableDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) invoiceId: string;
  @ApiProperty({ example: 'INV-2026-0001' }) invoiceNumber: string;
  @ApiProperty({ format: 'uuid' }) programId: string;
  @ApiProperty({ format: 'uuid' }) supplierId: string;
  @ApiProperty({ format: 'uuid' }) anchorId: string;
  @ApiProperty({ example: 'CNY' }) currency: string;
  @ApiProperty({ example: '1000000.00', description: 'what the anchor pays on the due date: confirmed amount net of credit notes' })
  faceAmount: string;
  @ApiProperty({ format: 'date' }) dueDate: string;
  @ApiProperty({ enum: ReceivableStatus }) status: ReceivableStatus;
  @ApiProperty({ format: 'uuid', description: "whom the anchor pays at maturity: the program's bank once financed, else the supplier" })
  payeeId: string;
  @ApiProperty() createdAt: Date;
  @ApiProperty({ type: Date, nullable: true }) settledAt: Date | null;

  static of(receivable: ReceivableView): ReceivableDto {
    return {
      id: receivable.id,
      invoiceId: receivable.invoiceId,
      invoiceNumber: receivable.invoiceNumber,
      programId: receivable.programId,
      supplierId: receivable.supplierId,
      anchorId: receivable.anchorId,
      currency: receivable.currency,
      faceAmount: formatAmount(receivable.faceAmount, receivable.currency),
      dueDate: receivable.dueDate,
      status: receivable.status,
      payeeId: receivable.payeeId,
      createdAt: receivable.createdAt,
      settledAt: receivable.settledAt,
    };
  }
}

class ReceivablePartDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid', description: 'organisation holding this part' }) holderId: string;
  @ApiProperty({ example: '1000000.00' }) amount: string;
  @ApiProperty() createdAt: Date;
}

class OpenOfferDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ example: '900000.00' }) advance: string;
  @ApiProperty({ example: '10983.75' }) discount: string;
  @ApiProperty({ example: '900.00' }) fee: string;
  @ApiProperty({ example: '888116.25' }) netProceeds: string;
  @ApiProperty({ example: '0.0505' }) annualRate: string;
  @ApiProperty({ example: 87 }) tenorDays: number;
  @ApiProperty({ format: 'date' }) valueDate: string;
  @ApiProperty({ format: 'date' }) maturityDate: string;
  @ApiProperty({ format: 'date' }) expiresOn: string;

  static of(offer: OpenOfferView, currency: string): OpenOfferDto {
    return {
      id: offer.id,
      advance: formatAmount(offer.advance, currency),
      discount: formatAmount(offer.discount, currency),
      fee: formatAmount(offer.fee, currency),
      netProceeds: formatAmount(offer.netProceeds, currency),
      annualRate: formatRate(offer.annualRate),
      tenorDays: offer.tenorDays,
      valueDate: offer.valueDate,
      maturityDate: offer.maturityDate,
      expiresOn: offer.expiresOn,
    };
  }
}

export class ReceivableDetailDto extends ReceivableDto {
  @ApiProperty({ type: [ReceivablePartDto], description: 'holders of the receivable; the parts sum to the face' }) parts: ReceivablePartDto[];
  @NotForAnchor({ type: OpenOfferDto, nullable: true, description: 'the open early-payment offer' })
  openOffer?: OpenOfferDto | null;

  static ofDetail(receivable: ReceivableDetail): ReceivableDetailDto {
    return {
      ...ReceivableDto.of(receivable),
      parts: receivable.parts.map((part) => ({ ...part, amount: formatAmount(part.amount, receivable.currency) })),
      ...(receivable.openOffer !== undefined && { openOffer: receivable.openOffer && OpenOfferDto.of(receivable.openOffer, receivable.currency) }),
    };
  }
}
