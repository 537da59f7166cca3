import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

export enum FinancingStatus {
  REQUESTED = 'REQUESTED',
  APPROVED = 'APPROVED',
  FUNDED = 'FUNDED',
  OVERDUE = 'OVERDUE',
  REPAID = 'REPAID',
  REJECTED = 'REJECTED',
  CANCELLED = 'CANCELLED',
}

/** A supplier's acceptance of one or more offers: the unit that is approved and funded. */
@Entity('financing_requests')
export class FinancingRequest {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ type: 'uuid' }) programId: string;
  @Column({ type: 'uuid' }) enrolmentId: string;
  @Column({ type: 'uuid' }) supplierId: string;
  @Column({ type: 'char', length: 3 }) currency: string;
  @Column({ type: 'numeric' }) totalFace: string;
  @Column({ type: 'numeric' }) totalAdvance: string;
  @Column({ type: 'numeric' }) totalDiscount: string;
  @Column({ type: 'numeric' }) totalFee: string;
  @Column({ type: 'numeric' }) totalNetProceeds: string;
  @Column({ type: 'text' }) status: FinancingStatus;
  @Column() autoApproved: boolean;
  @Column({ type: 'uuid' }) requestedBy: string;
  @Column({ type: 'uuid', nullable: true }) approvedBy: string | null;
  @Column({ type: 'uuid', nullable: true }) fundedBy: string | null;
  @Column({ type: 'text', nullable: true }) rejectionReason: string | null;
  @Column({ type: 'date', nullable: true }) valueDate: string | null;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt: Date;
  @Column({ type: 'timestamptz', nullable: true }) approvedAt: Date | null;
  @Column({ type: 'timestamptz', nullable: true }) fundedAt: Date | null;
  @Column({ type: 'timestamptz', nullable: true }) closedAt: Date | null;
}
