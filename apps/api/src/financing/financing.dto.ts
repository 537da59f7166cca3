import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, ArrayUnique, IsArray, IsIn, IsOptional, IsString, IsUUID, Length } from 'class-validator';
import {
  AnchorExposure,
  DisbursementInstructionView,
  FINANCING_SORTS,
  FinancingItemStatus,
  FinancingItemView,
  FinancingSort,
  FinancingStatus,
  FinancingSummaryView,
  FinancingView,
  MATURITY_BUCKETS,
  MaturityBucket,
  MaturityLadder,
  MAX_OFFERS_PER_REQUEST,
  OverdueItem,
  PaymentView,
  PortfolioView,
  ProgramExposure,
} from '@scf/financing';
import { AmountField, DateField, IdField, NotForAnchor } from '../http/fields';
import { PageQuery } from '../http/pagination';

export class NewFinancingRequestDto {
  @ApiProperty({
    type: [String],
    format: 'uuid',
    minItems: 1,
    maxItems: MAX_OFFERS_PER_REQUEST,
    uniqueItems: true,
    description: 'open offers of one program, accepted together',
  })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_OFFERS_PER_REQUEST)
  @ArrayUnique((id: string) => (typeof id === 'string' ? id.toLowerCase() : id), { message: 'offerIds must not repeat an offer' })
  @IsUUID('all', { each: true, message: 'each of offerIds must be a UUID' })
  offerIds: string[];
}

export class RejectFinancingDto {
  @ApiProperty({ example: 'supplier under review', description: 'why the bank refuses; shown to the supplier' })
  @IsString()
  @Length(1, 500)
  reason: string;
}

export class FundFinancingDto {
  @DateField('date the supplier is paid; today\'s business date when omitted. On the offers\' value date the accepted amounts are paid; on a later one the discount is priced again from it.', '2026-03-01', true)
  valueDate?: string;
}

export class FinancingListQuery extends PageQuery {
  @ApiPropertyOptional({ enum: FinancingStatus }) @IsOptional() @IsIn(Object.values(FinancingStatus)) status?: FinancingStatus;
  @IdField('only requests of this program', true) programId?: string;
  @ApiPropertyOptional({ enum: FINANCING_SORTS, default: '-createdAt', description: 'a leading minus sorts descending' })
  @IsOptional()
  @IsIn(FINANCING_SORTS)
  sort?: FinancingSort;
}

export class NewPaymentDto {
  @AmountField(
    'the amount the anchor paid. Financed: any positive amount, allocated penalty → advance → reserve, any excess owed back to the anchor; unfinanced: exactly the face amount',
    '1000000.00',
  )
  amount: string;
  @DateField('date the anchor paid; for a financed receivable between the value date and today', '2026-05-27') paidOn: string;
}

export class FinancingItemDto implements FinancingItemView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) receivableId: string;
  @NotForAnchor({ format: 'uuid' }) offerId?: string;
  @ApiProperty({ example: '1000000.00', description: 'F' }) faceAmount: string;
  @NotForAnchor({ example: '900000.00', description: 'A, the amount reserved on the limits' }) advance?: string;
  @NotForAnchor({ example: '10983.75', description: 'D, interest in advance' }) discount?: string;
  @NotForAnchor({ example: '900.00' }) fee?: string;
  @NotForAnchor({ example: '888116.25', description: 'N = A − D − Fee' }) netProceeds?: string;
  @NotForAnchor({ example: 87 }) tenorDays?: number;
  @ApiProperty({ format: 'date' }) maturityDate: string;
  @ApiProperty({ enum: FinancingItemStatus }) status: FinancingItemStatus;
  @NotForAnchor({ example: '0.00', description: 'penalty interest accrued on A while overdue' }) penaltyAccrued?: string;
  @NotForAnchor({ format: 'date', nullable: true, type: String }) penaltyAccruedTo?: string | null;
}

export class FinancingSummaryDto implements FinancingSummaryView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) programId: string;
  @ApiProperty({ format: 'uuid' }) enrolmentId: string;
  @ApiProperty({ format: 'uuid' }) supplierId: string;
  @ApiProperty({ example: 'CNY' }) currency: string;
  @ApiProperty({ enum: FinancingStatus }) status: FinancingStatus;
  @NotForAnchor({ description: 'approved on acceptance because the advance was within the auto-approval threshold' }) autoApproved?: boolean;
  @ApiProperty({ example: '1000000.00' }) totalFace: string;
  @NotForAnchor({ example: '900000.00' }) totalAdvance?: string;
  @NotForAnchor({ example: '10983.75' }) totalDiscount?: string;
  @NotForAnchor({ example: '900.00' }) totalFee?: string;
  @NotForAnchor({ example: '888116.25', description: 'paid to the supplier: the accepted amount, or re-priced if funded on a later value date' }) totalNetProceeds?: string;
  @NotForAnchor({ example: '10983.75', description: 'as accepted' }) acceptedTotalDiscount?: string;
  @NotForAnchor({ example: '900.00', description: 'as accepted' }) acceptedTotalFee?: string;
  @NotForAnchor({ example: '888116.25', description: 'as accepted; funding on the offers\' value date pays exactly this' }) acceptedTotalNetProceeds?: string;
  @NotForAnchor({ format: 'date', nullable: true, type: String, description: 'fixed at funding' }) valueDate?: string | null;
  @NotForAnchor({ nullable: true, type: String }) rejectionReason?: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) approvedAt: string | null;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) fundedAt: string | null;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) closedAt: string | null;
}

export class FinancingDto extends FinancingSummaryDto implements FinancingView {
  @ApiProperty({ type: [FinancingItemDto] }) items: FinancingItemDto[];
}

export class DisbursementInstructionDto implements DisbursementInstructionView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) financingRequestId: string;
  @ApiProperty({ format: 'uuid', description: 'the supplier paid' }) payeeOrganisationId: string;
  @ApiProperty({ example: '6222021234567890123', description: 'the payout account verified when the request was funded; masked (****0123) except to the bank and the supplier\'s admins' })
  bankAccount: string;
  @ApiProperty({ format: 'uuid', description: 'the verified payout account change the account comes from' }) payoutAccountChangeId: string;
  @ApiProperty({ example: 'CNY' }) currency: string;
  @ApiProperty({ example: '888116.25', description: 'the net proceeds' }) amount: string;
  @ApiProperty({ format: 'date' }) valueDate: string;
  @ApiProperty({ example: 'SCF-20260301-0000000001', description: 'unique; quoted on the payment' }) paymentReference: string;
  @ApiProperty() createdAt: Date;
}

export class PaymentDto implements PaymentView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) receivableId: string;
  @NotForAnchor({ format: 'uuid', nullable: true, type: String }) financingItemId?: string | null;
  @NotForAnchor({ format: 'uuid', nullable: true, type: String, description: 'the payment run (file) it came in' }) paymentRunId?: string | null;
  @ApiProperty({ example: 'CNY' }) currency: string;
  @ApiProperty({ example: '1000000.00' }) amount: string;
  @NotForAnchor({ example: '900000.00', description: 'penalty and advance collected for the bank' }) toBank?: string;
  @NotForAnchor({ example: '100000.00', description: 'reserve F − A released to the supplier (all of it when unfinanced)' }) toSupplier?: string;
  @NotForAnchor({ example: '0.00', description: 'penalty booked and outstanding when the payment was recorded' }) penaltyDue?: string;
  @NotForAnchor({ example: '0.00', description: 'paid towards the penalty (allocated first)' }) penaltyPaid?: string;
  @NotForAnchor({ example: '900000.00', description: 'paid towards the advance (allocated second)' }) principalPaid?: string;
  @NotForAnchor({ example: '0.00', description: 'paid beyond every claim: owed back to the anchor' }) excess?: string;
  @ApiProperty({ format: 'date' }) paidOn: string;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ format: 'date-time', nullable: true, type: String, description: 'set when an approved reversal undid the payment' }) reversedAt: string | null;
}

class ProgramExposureDto implements ProgramExposure {
  @ApiProperty({ format: 'uuid' }) programId: string;
  @ApiProperty() programName: string;
  @ApiProperty({ format: 'uuid' }) anchorId: string;
  @ApiProperty() anchorName: string;
  @ApiProperty({ example: 'CNY' }) currency: string;
  @ApiProperty({ example: 'ACTIVE' }) status: string;
  @ApiProperty({ example: '10000000.00' }) limitAmount: string;
  @ApiProperty({ example: '900000.00', description: 'reserved by requested, approved and funded financing' }) utilised: string;
  @ApiProperty({ example: '900000.00', description: 'funded advances not yet repaid' }) outstanding: string;
  @ApiProperty({ example: '0.00', description: 'part of outstanding that is overdue' }) overdue: string;
  @ApiProperty() liveItems: number;
}

class AnchorExposureDto implements AnchorExposure {
  @ApiProperty({ format: 'uuid' }) anchorId: string;
  @ApiProperty() anchorName: string;
  @ApiProperty({ example: 'CNY' }) currency: string;
  @ApiProperty({ example: '900000.00' }) outstanding: string;
  @ApiProperty({ example: '0.00' }) overdue: string;
  @ApiProperty() liveItems: number;
}

class MaturityBucketDto {
  @ApiProperty({ enum: MATURITY_BUCKETS, description: 'days from the business date to maturity; overdue = past maturity' })
  bucket: MaturityBucket;
  @ApiProperty({ example: '900000.00' }) amount: string;
  @ApiProperty() items: number;
}

class MaturityLadderDto implements MaturityLadder {
  @ApiProperty({ example: 'CNY' }) currency: string;
  @ApiProperty({ type: [MaturityBucketDto] }) buckets: MaturityBucketDto[];
}

class OverdueItemDto implements OverdueItem {
  @ApiProperty({ format: 'uuid' }) financingItemId: string;
  @ApiProperty({ format: 'uuid' }) financingRequestId: string;
  @ApiProperty({ format: 'uuid' }) receivableId: string;
  @ApiProperty({ format: 'uuid' }) programId: string;
  @ApiProperty({ format: 'uuid' }) supplierId: string;
  @ApiProperty() supplierName: string;
  @ApiProperty({ example: 'CNY' }) currency: string;
  @ApiProperty({ example: '900000.00' }) advance: string;
  @ApiProperty({ format: 'date' }) maturityDate: string;
  @ApiProperty({ example: 9 }) daysOverdue: number;
  @ApiProperty({ example: '4050.00' }) penaltyAccrued: string;
  @ApiProperty({ format: 'date', nullable: true, type: String }) penaltyAccruedTo: string | null;
}

export class PortfolioDto implements PortfolioView {
  @ApiProperty({ format: 'date' }) businessDate: string;
  @ApiProperty({ type: [ProgramExposureDto] }) programs: ProgramExposureDto[];
  @ApiProperty({ type: [AnchorExposureDto], description: 'outstanding per anchor and currency' }) anchors: AnchorExposureDto[];
  @ApiProperty({ type: [MaturityLadderDto], description: 'outstanding by time to maturity, per currency' }) maturityLadder: MaturityLadderDto[];
  @ApiProperty({ type: [OverdueItemDto], description: 'overdue items, oldest maturity first (at most 500)' }) overdue: OverdueItemDto[];
}
