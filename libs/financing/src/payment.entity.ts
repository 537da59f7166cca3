import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** The anchor's payment of a receivable at maturity and how it was split between bank and supplier. */
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
  @Column({ type: 'numeric' }) penaltyDue: string;
  @Column({ type: 'date' }) paidOn: string;
  @Column({ type: 'uuid' }) recordedBy: string;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt: Date;
}
