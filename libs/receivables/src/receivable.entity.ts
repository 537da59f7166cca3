import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

export enum ReceivableStatus {
  OPEN = 'OPEN',
  FINANCING_REQUESTED = 'FINANCING_REQUESTED',
  FINANCED = 'FINANCED',
  OVERDUE = 'OVERDUE',
  SETTLED = 'SETTLED',
}

/** The anchor's irrevocable undertaking to pay faceAmount on dueDate, born from a confirmed invoice. */
@Entity('receivables')
export class Receivable {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ type: 'uuid' }) invoiceId: string;
  @Column({ type: 'uuid' }) programId: string;
  @Column({ type: 'uuid' }) supplierId: string;
  @Column({ type: 'uuid' }) anchorId: string;
  @Column({ type: 'char', length: 3 }) currency: string;
  @Column({ type: 'numeric' }) faceAmount: string;
  @Column({ type: 'date' }) dueDate: string;
  @Column({ type: 'text' }) status: ReceivableStatus;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt: Date;
  @Column({ type: 'timestamptz', nullable: true }) settledAt: Date | null;
}
