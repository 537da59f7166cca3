import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { ProgramChangeStatus } from './program-change.entity';

/** A proposed new sub-limit for an enrolment; a bank checker other than the proposer applies it. */
@Entity('enrolment_changes')
export class EnrolmentChange {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ type: 'uuid' }) enrolmentId: string;
  @Column({ type: 'uuid' }) programId: string;
  @Column({ type: 'numeric' }) subLimit: string;
  @Column({ type: 'text' }) status: ProgramChangeStatus;
  @Column({ type: 'text', nullable: true }) reason: string | null;
  @Column({ type: 'uuid' }) proposedBy: string;
  @Column({ type: 'uuid', nullable: true }) decidedBy: string | null;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt: Date;
  @Column({ type: 'timestamptz', nullable: true }) decidedAt: Date | null;
}
