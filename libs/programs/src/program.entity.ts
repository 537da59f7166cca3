import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

export enum ProgramStatus {
  DRAFT = 'DRAFT',
  ACTIVE = 'ACTIVE',
  SUSPENDED = 'SUSPENDED',
  EXPIRED = 'EXPIRED',
  REJECTED = 'REJECTED',
}

/** A credit line: bank × anchor × currency. Money columns are decimal strings. */
@Entity('programs')
export class Program {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ type: 'uuid' }) bankId: string;
  @Column({ type: 'uuid' }) anchorId: string;
  @Column() name: string;
  @Column({ type: 'char', length: 3 }) currency: string;
  @Column({ type: 'numeric' }) limitAmount: string;
  @Column({ type: 'numeric' }) utilised: string;
  @Column({ type: 'date' }) validFrom: string;
  @Column({ type: 'date' }) validTo: string;
  @Column({ type: 'numeric' }) baseRate: string;
  @Column({ type: 'numeric' }) margin: string;
  @Column({ type: 'numeric' }) advanceRate: string;
  @Column({ type: 'numeric' }) feeRate: string;
  @Column({ type: 'smallint' }) dayCountBasis: 360 | 365;
  @Column({ type: 'integer' }) minTenorDays: number;
  @Column({ type: 'integer' }) maxTenorDays: number;
  @Column({ type: 'integer' }) graceDays: number;
  @Column({ type: 'numeric' }) penaltyRate: string;
  @Column({ type: 'integer' }) offerValidityDays: number;
  @Column({ type: 'numeric' }) autoApprovalThreshold: string;
  /** IANA zone whose date is the program's business date ("today"). */
  @Column({ type: 'text' }) timeZone: string;
  /** One of the bank's holiday calendars (calendars.code). */
  @Column({ type: 'text' }) calendarCode: string;
  @Column({ type: 'text' }) status: ProgramStatus;
  @Column({ type: 'integer' }) pricingVersion: number;
  @Column({ type: 'uuid' }) createdBy: string;
  @Column({ type: 'uuid', nullable: true }) approvedBy: string | null;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt: Date;
  @UpdateDateColumn({ type: 'timestamptz' }) updatedAt: Date;
}
