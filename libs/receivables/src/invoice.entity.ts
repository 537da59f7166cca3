import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

export enum InvoiceStatus {
  SUBMITTED = 'SUBMITTED',
  CONFIRMED = 'CONFIRMED',
  REJECTED = 'REJECTED',
}

@Entity('invoices')
export class Invoice {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ type: 'uuid' }) programId: string;
  @Column({ type: 'uuid' }) supplierId: string;
  @Column({ type: 'uuid' }) anchorId: string;
  @Column() invoiceNumber: string;
  @Column({ type: 'char', length: 3 }) currency: string;
  @Column({ type: 'numeric' }) amount: string;
  /** Sum of credit notes; the payable amount is amount − creditedAmount. */
  @Column({ type: 'numeric' }) creditedAmount: string;
  @Column({ type: 'date' }) issueDate: string;
  @Column({ type: 'date' }) dueDate: string;
  @Column({ type: 'text' }) status: InvoiceStatus;
  @Column({ type: 'text', nullable: true }) rejectionReason: string | null;
  @Column({ type: 'uuid' }) submittedByOrganisationId: string;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt: Date;
  @Column({ type: 'timestamptz', nullable: true }) decidedAt: Date | null;
}
