import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

export enum ProgramChangeStatus {
  PENDING = 'PENDING',
  APPROVED = 'APPROVED',
  REJECTED = 'REJECTED',
}

/** What a change does once a checker approves it: new terms, or a suspended program ACTIVE again. */
export enum ProgramChangeKind {
  TERMS = 'TERMS',
  REACTIVATION = 'REACTIVATION',
}

/** The limit and pricing fields a maker may propose to change; a checker applies them. */
export interface ProgramTerms {
  limitAmount?: string;
  baseRate?: string;
  margin?: string;
  advanceRate?: string;
  feeRate?: string;
  penaltyRate?: string;
  autoApprovalThreshold?: string;
  validTo?: string;
}

@Entity('program_changes')
export class ProgramChange {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ type: 'uuid' }) programId: string;
  @Column({ type: 'text' }) kind: ProgramChangeKind;
  /** Empty for a reactivation. */
  @Column({ type: 'jsonb' }) changes: ProgramTerms;
  @Column({ type: 'text' }) status: ProgramChangeStatus;
  @Column({ type: 'text', nullable: true }) reason: string | null;
  @Column({ type: 'uuid' }) proposedBy: string;
  @Column({ type: 'uuid', nullable: true }) decidedBy: string | null;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt: Date;
  @Column({ type: 'timestamptz', nullable: true }) decidedAt: Date | null;
}
