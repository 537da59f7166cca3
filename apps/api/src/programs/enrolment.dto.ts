import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsEmail, IsIn, IsOptional, IsString, IsUUID, Length, MaxLength } from 'class-validator';
import { EnrolmentChangeKind, EnrolmentChangeView, EnrolmentStatus, EnrolmentView, ProgramChangeStatus } from '@scf/programs';
import { AmountField, BankAccountField, IdField, NestedField, NotForAnchor, TaxIdField } from '../http/fields';
import { PageQuery } from '../http/pagination';
import { InvitationDto } from '../organisations/invitation.dto';

/** The supplier's first admin: invited, they choose their own password through the invitation. */
class InvitedAdminDto {
  @ApiProperty({ example: 'finance@supplier.demo' }) @IsEmail() @MaxLength(254) email: string;
  @ApiProperty({ example: 'Zhang Min' }) @IsString() @Length(1, 200) displayName: string;
}

export class SupplierInviteDto {
  @ApiProperty({ example: 'Eastern Parts Co.' }) @IsString() @Length(1, 200) name: string;
  @TaxIdField() taxId?: string;
  @BankAccountField() bankAccount?: string;
  @NestedField(InvitedAdminDto, 'the first user of the supplier, with role SUPPLIER_ADMIN')
  admin: InvitedAdminDto;
}

export class ProposeEnrolmentDto {
  @AmountField('sub-limit of the supplier, at most the program limit', '2000000.00') subLimit: string;
  @IdField('an existing supplier organisation (or give invite)', true) supplierId?: string;
  @NestedField(SupplierInviteDto, 'a new supplier organisation (or give supplierId)', true)
  invite?: SupplierInviteDto;
}

export class SubLimitDto {
  @AmountField('proposed sub-limit', '3000000.00') subLimit: string;
}

export class EnrolmentListQuery extends PageQuery {
  @ApiPropertyOptional({ enum: EnrolmentStatus }) @IsOptional() @IsIn(Object.values(EnrolmentStatus)) status?: EnrolmentStatus;
}

export class AllEnrolmentsQuery extends EnrolmentListQuery {
  @ApiPropertyOptional({ format: 'uuid' }) @IsOptional() @IsUUID('all', { message: 'programId must be a UUID' }) programId?: string;
}

export class EnrolmentDto implements EnrolmentView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) programId: string;
  @ApiProperty({ format: 'uuid' }) supplierId: string;
  @ApiProperty() supplierName: string;
  @ApiProperty({ example: 'CNY' }) currency: string;
  @ApiProperty({ example: '2000000.00' }) subLimit: string;
  @NotForAnchor({ example: '900000.00', description: "advances of the supplier's live financings" }) utilised?: string;
  @NotForAnchor({ example: '1100000.00' }) available?: string;
  @ApiProperty({ enum: EnrolmentStatus }) status: EnrolmentStatus;
  @ApiProperty({ format: 'uuid' }) proposedBy: string;
  @ApiProperty({ format: 'uuid', nullable: true, type: String }) approvedBy: string | null;
  @ApiProperty() createdAt: Date;
  @ApiProperty() updatedAt: Date;
}

export class ProposedEnrolmentDto extends EnrolmentDto {
  @ApiPropertyOptional({ type: InvitationDto, description: 'with `invite`: the invitation of the supplier\'s first admin, to pass on' })
  invitation?: InvitationDto;
}

export class EnrolmentChangeDto implements EnrolmentChangeView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) enrolmentId: string;
  @ApiProperty({ format: 'uuid' }) programId: string;
  @ApiProperty({ enum: EnrolmentChangeKind, description: 'SUB_LIMIT: a new sub-limit; REACTIVATION: the suspended enrolment APPROVED again' }) kind: EnrolmentChangeKind;
  @ApiProperty({ example: '3000000.00', nullable: true, type: String, description: 'null for a reactivation' }) subLimit: string | null;
  @ApiProperty({ enum: ProgramChangeStatus }) status: ProgramChangeStatus;
  @ApiProperty({ nullable: true, type: String }) reason: string | null;
  @ApiProperty({ format: 'uuid' }) proposedBy: string;
  @ApiProperty({ format: 'uuid', nullable: true, type: String }) decidedBy: string | null;
  @ApiProperty() createdAt: Date;
  @ApiProperty({ nullable: true, type: Date }) decidedAt: Date | null;
}
