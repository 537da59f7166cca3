import { ApiProperty } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsString, Length, ValidateNested } from 'class-validator';
import {
  MAX_PAYMENT_RUN_LINES,
  PaymentRunView,
  PenaltyWaiverView,
  ReversalView,
  StatementLine,
  StatementTotals,
  SupplierStatement,
} from '@scf/financing';
import { AmountField, DateField, IdField } from '../http/fields';
import { PageQuery } from '../http/pagination';
import { NewPaymentDto, PaymentDto } from './financing.dto';

export class PaymentRunLineDto extends NewPaymentDto {
  @IdField('the financed receivable this line repays') receivableId: string;
}

export class NewPaymentRunDto {
  @ApiProperty({ type: [PaymentRunLineDto], minItems: 1, maxItems: MAX_PAYMENT_RUN_LINES, description: 'one line per payment, applied in order, all or nothing' })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_PAYMENT_RUN_LINES)
  @ValidateNested({ each: true })
  @Type(() => PaymentRunLineDto)
  lines: PaymentRunLineDto[];
}

export class PaymentRunDto implements PaymentRunView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ example: 2 }) lineCount: number;
  @ApiProperty({ type: [PaymentDto], description: 'the payment of each line, in the order of the lines' }) payments: PaymentDto[];
}

export class PaymentQuery extends PageQuery {
  @IdField('only payments of this receivable', true) receivableId?: string;
  @IdField('only payments of this financing item', true) financingItemId?: string;
  @IdField('only payments in this program', true) programId?: string;
  @IdField('only payments of this supplier\'s receivables', true) supplierId?: string;
  @DateField('paid on or after', '2026-05-01', true) paidFrom?: string;
  @DateField('paid on or before', '2026-05-31', true) paidTo?: string;
}

export class StatementQuery extends PageQuery {
  @IdField('only financing in this program', true) programId?: string;
}

export class ReasonDto {
  @ApiProperty({ example: 'posted against the wrong receivable', description: 'why; kept in the business events' })
  @IsString()
  @Length(1, 500)
  reason: string;
}

export class NewPenaltyWaiverDto extends ReasonDto {
  @AmountField('penalty to waive, at most the penalty outstanding', '1000.00') amount: string;
}

export class ReversalDto implements ReversalView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) paymentId: string;
  @ApiProperty({ enum: ['PENDING', 'APPROVED', 'REJECTED'] }) status: 'PENDING' | 'APPROVED' | 'REJECTED';
  @ApiProperty() reason: string;
  @ApiProperty({ nullable: true, type: String }) rejectionReason: string | null;
  @ApiProperty({ format: 'uuid' }) proposedBy: string;
  @ApiProperty({ format: 'uuid', nullable: true, type: String }) decidedBy: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) decidedAt: string | null;
}

export class PenaltyWaiverDto implements PenaltyWaiverView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) financingItemId: string;
  @ApiProperty({ example: 'CNY' }) currency: string;
  @ApiProperty({ example: '1000.00' }) amount: string;
  @ApiProperty() reason: string;
  @ApiProperty({ enum: ['PENDING', 'APPROVED', 'REJECTED'] }) status: 'PENDING' | 'APPROVED' | 'REJECTED';
  @ApiProperty({ nullable: true, type: String }) rejectionReason: string | null;
  @ApiProperty({ format: 'uuid' }) proposedBy: string;
  @ApiProperty({ format: 'uuid', nullable: true, type: String }) decidedBy: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) decidedAt: string | null;
}

class StatementAmountsDto {
  @ApiProperty({ example: 'CNY' }) currency: string;
  @ApiProperty({ example: '1000000.00' }) faceAmount: string;
  @ApiProperty({ example: '900000.00' }) advance: string;
  @ApiProperty({ example: '900000.00', description: 'advance repaid to the bank' }) advanceRepaid: string;
  @ApiProperty({ example: '0.00' }) advanceOutstanding: string;
  @ApiProperty({ example: '100000.00', description: 'F − A, the supplier\'s' }) reserve: string;
  @ApiProperty({ example: '100000.00', description: 'reserve released to the supplier' }) reserveReleased: string;
  @ApiProperty({ example: '0.00' }) reserveOutstanding: string;
  @ApiProperty({ example: '0.00', description: 'penalty booked in the ledger' }) penaltyAccrued: string;
  @ApiProperty({ example: '0.00' }) penaltyPaid: string;
  @ApiProperty({ example: '0.00' }) penaltyWaived: string;
  @ApiProperty({ example: '0.00' }) penaltyOutstanding: string;
  @ApiProperty({ example: '0.00', description: 'paid beyond every claim, owed back to the anchor' }) excess: string;
}

export class StatementLineDto extends StatementAmountsDto implements StatementLine {
  @ApiProperty({ format: 'uuid' }) financingItemId: string;
  @ApiProperty({ format: 'uuid' }) financingRequestId: string;
  @ApiProperty({ format: 'uuid' }) receivableId: string;
  @ApiProperty({ format: 'uuid' }) programId: string;
  @ApiProperty({ example: 'REPAID' }) status: string;
  @ApiProperty({ format: 'date' }) maturityDate: string;
}

export class StatementTotalsDto extends StatementAmountsDto implements StatementTotals {
  @ApiProperty({ example: 1 }) financings: number;
}

class StatementPageDto {
  @ApiProperty({ type: [StatementLineDto] }) items: StatementLineDto[];
  @ApiProperty() limit: number;
  @ApiProperty() offset: number;
  @ApiProperty() hasMore: boolean;
}

export class SupplierStatementDto implements SupplierStatement {
  @ApiProperty({ format: 'uuid' }) supplierId: string;
  @ApiProperty({ type: [StatementTotalsDto], description: 'over all the statement\'s financing, one per currency' }) totals: StatementTotalsDto[];
  @ApiProperty({ type: StatementPageDto }) lines: StatementPageDto;
}
