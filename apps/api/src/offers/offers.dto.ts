import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsEnum, IsIn, IsOptional } from 'class-validator';
import { formatAmount, formatRate } from '@scf/core';
import { Offer, OFFER_SORTS, OfferSort, OfferStatus } from '@scf/offers';
import { DateField, IdField } from '../http/fields';
import { PageQuery } from '../http/pagination';

export class OffersQuery extends PageQuery {
  @ApiPropertyOptional({ enum: OfferStatus, default: OfferStatus.OPEN })
  @IsOptional() @IsEnum(OfferStatus, { message: `status must be one of ${Object.values(OfferStatus).join(', ')}` })
  status?: OfferStatus;

  @IdField('only offers of this program', true)
  programId?: string;

  @DateField('maturity on or after this date', '2026-04-01', true)
  maturityFrom?: string;

  @DateField('maturity on or before this date', '2026-06-30', true)
  maturityTo?: string;

  @ApiPropertyOptional({ enum: OFFER_SORTS, default: 'maturityDate', description: 'a leading "-" sorts descending' })
  @IsOptional() @IsIn(OFFER_SORTS, { message: `sort must be one of ${OFFER_SORTS.join(', ')}` })
  sort?: OfferSort;
}

/** An indicative offer: what the supplier would receive today for its receivable. */
export class OfferDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) receivableId: string;
  @ApiProperty({ format: 'uuid' }) programId: string;
  @ApiProperty({ example: 'CNY' }) currency: string;
  @ApiProperty({ example: '1000000.00', description: 'F: confirmed amount, net of credit notes' }) faceAmount: string;
  @ApiProperty({ example: '900000.00', description: 'A = F × advance rate' }) advance: string;
  @ApiProperty({ example: '10983.75', description: 'D = A × r × d / basis, interest in advance' }) discount: string;
  @ApiProperty({ example: '900.00', description: 'A × fee rate' }) fee: string;
  @ApiProperty({ example: '888116.25', description: 'N = A − D − fee, paid to the supplier' }) netProceeds: string;
  @ApiProperty({ example: '0.0505', description: 'r = base rate + margin' }) annualRate: string;
  @ApiProperty({ example: '0.052465', description: '(D + fee) / N × basis / d' }) effectiveAnnualCost: string;
  @ApiProperty({ example: 87 }) tenorDays: number;
  @ApiProperty({ format: 'date', example: '2026-03-01' }) valueDate: string;
  @ApiProperty({ format: 'date', example: '2026-05-27' }) maturityDate: string;
  @ApiProperty({ format: 'date', example: '2026-03-04', description: 'last business date on which it can be accepted' }) expiresOn: string;
  @ApiProperty({ enum: OfferStatus }) status: OfferStatus;

  static of(offer: Offer): OfferDto {
    const money = (value: string) => formatAmount(value, offer.currency);
    return {
      id: offer.id,
      receivableId: offer.receivableId,
      programId: offer.programId,
      currency: offer.currency,
      faceAmount: money(offer.faceAmount),
      advance: money(offer.advance),
      discount: money(offer.discount),
      fee: money(offer.fee),
      netProceeds: money(offer.netProceeds),
      annualRate: formatRate(offer.annualRate),
      effectiveAnnualCost: formatRate(offer.effectiveAnnualCost),
      tenorDays: offer.tenorDays,
      valueDate: offer.valueDate,
      maturityDate: offer.maturityDate,
      expiresOn: offer.expiresOn,
      status: offer.status,
    };
  }
}
