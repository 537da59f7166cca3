import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { ProgramChangeStatus } from './program-change.entity';

/** What a change does once a checker approves it: a new sub-limit, or a suspended enrolment APPROVED again. */
export enum EnrolmentChangeKind {
  SUB_LIMIT = 'SUB_LIMIT',
  REACTIVATION = 'REACTIVATION',
}

/** A proposed change of an enrolment; a bank checker other than the proposer applies it. */
@Entity('enrolment_changes')
export class EnrolmentChange {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ type: 'uuid' }) enrolmentId: string;
  @Column({ type: 'uuid' }) programId: string;
  @Column({ type: 'text' }) kind: EnrolmentChangeKind;
  /** The proposed sub-limit; null for a reactivation. */
  @Column({ type: 'numeric', nullable: true }) subLimit: string | null;
  @Column({ type: 'text' }) status: ProgramChangeStatus;
  @Column({ type: 'text', nullable: true }) reason: string | null;
  @Column({ type: 'uuid' }) proposedBy: string;
  @Column({ type: 'uuid', nullable: true }) decidedBy: string | null;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt: Date;
  @Column({ type: 'timestamptz', nullable: true }) decidedAt: Date | null;
}
