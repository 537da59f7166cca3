import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

export enum EnrolmentStatus {
  PENDING = 'PENDING',
  APPROVED = 'APPROVED',
  SUSPENDED = 'SUSPENDED',
  REJECTED = 'REJECTED',
}

/** A supplier in a program, with its own sub-limit. */
@Entity('enrolments')
export class Enrolment {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ type: 'uuid' }) programId: string;
  @Column({ type: 'uuid' }) supplierId: string;
  @Column({ type: 'numeric' }) subLimit: string;
  @Column({ type: 'numeric' }) utilised: string;
  @Column({ type: 'text' }) status: EnrolmentStatus;
  @Column({ type: 'uuid' }) proposedBy: string;
  @Column({ type: 'uuid', nullable: true }) approvedBy: string | null;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt: Date;
  @UpdateDateColumn({ type: 'timestamptz' }) updatedAt: Date;
}
