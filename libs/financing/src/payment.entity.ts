import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** A payment of a receivable by the anchor and how it was allocated: penalty, advance, reserve, excess. */
@Entity('payments')
export class Payment {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ type: 'uuid' }) receivableId: string;
  @Column({ type: 'uuid', nullable: true }) financingItemId: string | null;
  @Column({ type: 'char', length: 3 }) currency: string;
  @Column({ type: 'numeric' }) amount: string;
  @Column({ type: 'numeric' }) toBank: string;
  /** The reserve F − A passed on to the supplier (the whole amount when unfinanced). */
  @Column({ type: 'numeric' }) toSupplier: string;
  /** Penalty outstanding when the payment was recorded. */
  @Column({ type: 'numeric' }) penaltyDue: string;
  @Column({ type: 'numeric' }) penaltyPaid: string;
  @Column({ type: 'numeric' }) principalPaid: string;
  /** Paid beyond every claim: owed back to the anchor. */
  @Column({ type: 'numeric' }) excess: string;
  @Column({ type: 'date' }) paidOn: string;
  @Column({ type: 'uuid' }) recordedBy: string;
  /** Statuses before the payment, which an approved reversal restores. */
  @Column({ type: 'text', nullable: true }) itemStatusBefore: string | null;
  @Column({ type: 'text', nullable: true }) requestStatusBefore: string | null;
  @Column({ type: 'text', nullable: true }) receivableStatusBefore: string | null;
  @Column({ type: 'uuid', nullable: true }) paymentRunId: string | null;
  @Column({ type: 'integer', nullable: true }) lineNo: number | null;
  @Column({ type: 'bigint', insert: false, update: false }) seq: string;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt: Date;
  @Column({ type: 'timestamptz', nullable: true }) reversedAt: Date | null;
}
