import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsInt, IsOptional, IsString, IsUUID, Length, Matches, Max, Min } from 'class-validator';
import { ProgramChangeKind, ProgramChangeStatus, ProgramChangeView, PROGRAM_SORTS, ProgramSort, ProgramStatus, ProgramTerms, ProgramView, SupplierUtilisationView, UtilisationView, EnrolmentStatus } from '@scf/programs';
import { AmountField, CurrencyField, DateField, IdField, NotForAnchor, RateField } from '../http/fields';
import { PageQuery } from '../http/pagination';

const TENOR_MAX_DAYS = 3650;

export class CreateProgramDto {
  @ApiProperty({ example: 'Sunrise Motors suppliers 2026' }) @IsString() @Length(1, 200) name: string;
  @IdField('the anchor enterprise whose suppliers the program finances') anchorId: string;
  @CurrencyField() currency: string;
  @AmountField('program limit (credit line)', '10000000.00') limitAmount: string;
  @DateField('first day the program finances', '2026-01-01') validFrom: string;
  @DateField('last day the program finances; after validFrom', '2027-12-31') validTo: string;
  @RateField('annual base rate', '0.0385') baseRate: string;
  @RateField('annual anchor margin; r = base + margin', '0.0120') margin: string;
  @RateField('share of the face amount advanced, above 0', '0.90') advanceRate: string;
  @RateField('flat fee on the advance, below 1', '0.001') feeRate: string;
  @ApiProperty({ enum: [360, 365], description: 'ACT/360 or ACT/365' }) @IsIn([360, 365]) dayCountBasis: 360 | 365;
  @ApiProperty({ minimum: 1, maximum: TENOR_MAX_DAYS, example: 7 }) @IsInt() @Min(1) @Max(TENOR_MAX_DAYS) minTenorDays: number;
  @ApiProperty({ minimum: 1, maximum: TENOR_MAX_DAYS, example: 180 }) @IsInt() @Min(1) @Max(TENOR_MAX_DAYS) maxTenorDays: number;
  @ApiProperty({ minimum: 0, maximum: 365, example: 5 }) @IsInt() @Min(0) @Max(365) graceDays: number;
  @RateField('annual penalty rate on overdue advances', '0.18') penaltyRate: string;
  @ApiProperty({ minimum: 1, maximum: 365, example: 3 }) @IsInt() @Min(1) @Max(365) offerValidityDays: number;
  @AmountField('a supplier\'s financing is approved without a checker while its advances auto-approved on the business date stay within this amount (a daily cap per supplier, so split requests add up); "0" to check all', '1000000.00') autoApprovalThreshold: string;
  @ApiPropertyOptional({
    example: 'Asia/Shanghai',
    description: 'IANA zone whose date is the program\'s business date; default: the currency\'s financial centre (CNY: Asia/Shanghai). Currencies without a default must name it.',
  })
  @IsOptional() @IsString() @Length(1, 64) timeZone?: string;
  @ApiPropertyOptional({
    example: 'CN',
    description: 'one of your bank\'s holiday calendars (GET /v1/calendars); default: the currency\'s country (CNY: CN), created with Saturday and Sunday as weekend if missing',
  })
  @IsOptional() @IsString() @Length(1, 16) calendarCode?: string;
}

export class ProposeProgramChangeDto implements ProgramTerms {
  @AmountField('new program limit', '12000000.00', true) limitAmount?: string;
  @RateField('new base rate', '0.0400', true) baseRate?: string;
  @RateField('new margin', '0.0110', true) margin?: string;
  @RateField('new advance rate', '0.85', true) advanceRate?: string;
  @RateField('new fee rate', '0.001', true) feeRate?: string;
  @RateField('new penalty rate', '0.18', true) penaltyRate?: string;
  @AmountField('new auto-approval threshold', '500000.00', true) autoApprovalThreshold?: string;
  @DateField('new last day of validity', '2028-06-30', true) validTo?: string;
}

export class ReasonDto {
  @ApiProperty({ example: 'anchor rating downgraded' }) @IsString() @Length(1, 500) reason: string;
}

export class OptionalReasonDto {
  @ApiPropertyOptional({ example: 'anchor rating under review' }) @IsOptional() @IsString() @Length(1, 500) reason?: string;
}

export class ProgramListQuery extends PageQuery {
  @ApiPropertyOptional({ enum: ProgramStatus }) @IsOptional() @IsIn(Object.values(ProgramStatus)) status?: ProgramStatus;
  @ApiPropertyOptional({ format: 'uuid' }) @IsOptional() @IsUUID('all', { message: 'anchorId must be a UUID' }) anchorId?: string;
  @ApiPropertyOptional({ example: 'CNY' }) @IsOptional() @Matches(/^[A-Z]{3}$/, { message: 'currency must be an ISO 4217 code such as CNY' }) currency?: string;
  @ApiPropertyOptional({ enum: PROGRAM_SORTS, default: '-createdAt' }) @IsOptional() @IsIn(PROGRAM_SORTS) sort?: ProgramSort;
}

export class ProgramDto implements ProgramView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() name: string;
  @ApiProperty({ format: 'uuid' }) bankId: string;
  @ApiProperty({ format: 'uuid' }) anchorId: string;
  @ApiProperty({ example: 'CNY' }) currency: string;
  @ApiProperty({ example: '10000000.00' }) limitAmount: string;
  @ApiProperty({ example: '900000.00', description: 'advances of live financings' }) utilised: string;
  @ApiProperty({ example: '9100000.00', description: 'limit − utilised, never negative' }) available: string;
  @ApiProperty({ format: 'date' }) validFrom: string;
  @ApiProperty({ format: 'date' }) validTo: string;
  @ApiProperty({ example: '0.0385' }) baseRate: string;
  @ApiProperty({ example: '0.012' }) margin: string;
  @ApiProperty({ example: '0.9' }) advanceRate: string;
  @ApiProperty({ example: '0.001' }) feeRate: string;
  @ApiProperty({ enum: [360, 365] }) dayCountBasis: 360 | 365;
  @ApiProperty() minTenorDays: number;
  @ApiProperty() maxTenorDays: number;
  @ApiProperty() graceDays: number;
  @ApiProperty({ example: '0.18' }) penaltyRate: string;
  @ApiProperty() offerValidityDays: number;
  @ApiProperty({ example: '1000000.00', description: 'daily cap per supplier on auto-approved advances' }) autoApprovalThreshold: string;
  @ApiProperty({ example: 'Asia/Shanghai', description: 'its business date is the date in this zone' }) timeZone: string;
  @ApiProperty({ example: 'CN', description: 'its holiday calendar: value dates and maturities on non-business days move by modified following' }) calendarCode: string;
  @ApiProperty({ enum: ProgramStatus }) status: ProgramStatus;
  @ApiProperty({ description: 'incremented by every applied pricing change; offers carry the version they were priced at' }) pricingVersion: number;
  @ApiProperty({ format: 'uuid', description: 'the maker' }) createdBy: string;
  @ApiProperty({ format: 'uuid', nullable: true, type: String, description: 'the checker' }) approvedBy: string | null;
  @ApiProperty() createdAt: Date;
  @ApiProperty() updatedAt: Date;
}

export class ProgramTermsDto implements ProgramTerms {
  @ApiPropertyOptional({ example: '12000000.00' }) limitAmount?: string;
  @ApiPropertyOptional({ example: '0.04' }) baseRate?: string;
  @ApiPropertyOptional({ example: '0.011' }) margin?: string;
  @ApiPropertyOptional({ example: '0.85' }) advanceRate?: string;
  @ApiPropertyOptional({ example: '0.001' }) feeRate?: string;
  @ApiPropertyOptional({ example: '0.18' }) penaltyRate?: string;
  @ApiPropertyOptional({ example: '500000.00' }) autoApprovalThreshold?: string;
  @ApiPropertyOptional({ format: 'date' }) validTo?: string;
}

export class ProgramChangeDto implements ProgramChangeView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) programId: string;
  @ApiProperty({ enum: ProgramChangeKind, description: 'TERMS: new terms; REACTIVATION: the suspended program ACTIVE again' }) kind: ProgramChangeKind;
  @ApiProperty({ type: ProgramTermsDto, description: 'the proposed terms; empty for a reactivation' }) changes: ProgramTermsDto;
  @ApiProperty({ enum: ProgramChangeStatus }) status: ProgramChangeStatus;
  @ApiProperty({ nullable: true, type: String }) reason: string | null;
  @ApiProperty({ format: 'uuid' }) proposedBy: string;
  @ApiProperty({ format: 'uuid', nullable: true, type: String }) decidedBy: string | null;
  @ApiProperty() createdAt: Date;
  @ApiProperty({ nullable: true, type: Date }) decidedAt: Date | null;
}

export class SupplierUtilisationDto implements SupplierUtilisationView {
  @ApiProperty({ format: 'uuid' }) enrolmentId: string;
  @ApiProperty({ format: 'uuid' }) supplierId: string;
  @ApiProperty() supplierName: string;
  @ApiProperty({ example: '2000000.00' }) subLimit: string;
  @NotForAnchor({ example: '900000.00', description: "advances of the supplier's live financings" }) utilised?: string;
  @NotForAnchor({ example: '1100000.00' }) available?: string;
  @ApiProperty({ enum: EnrolmentStatus }) status: EnrolmentStatus;
}

export class UtilisationDto implements UtilisationView {
  @ApiProperty({ format: 'uuid' }) programId: string;
  @ApiProperty({ example: 'CNY' }) currency: string;
  @ApiProperty({ example: '10000000.00', description: 'the program limit' }) limit: string;
  @ApiProperty({ example: '900000.00' }) utilised: string;
  @ApiProperty({ example: '9100000.00' }) available: string;
  @ApiProperty({ type: [SupplierUtilisationDto], description: 'one page of suppliers (query limit/offset), by name' }) suppliers: SupplierUtilisationDto[];
  @ApiProperty() offset: number;
  @ApiProperty({ description: 'more suppliers follow this page' }) hasMore: boolean;
}
