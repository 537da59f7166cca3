import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

export enum FinancingItemStatus {
  LIVE = 'LIVE',
  OVERDUE = 'OVERDUE',
  REPAID = 'REPAID',
  RELEASED = 'RELEASED',
}

/** One receivable inside a financing request, with its own amounts and maturity. */
@Entity('financing_items')
export class FinancingItem {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ type: 'uuid' }) financingRequestId: string;
  @Column({ type: 'uuid' }) receivableId: string;
  @Column({ type: 'uuid' }) offerId: string;
  @Column({ type: 'numeric' }) faceAmount: string;
  @Column({ type: 'numeric' }) advance: string;
  @Column({ type: 'numeric' }) discount: string;
  @Column({ type: 'numeric' }) fee: string;
  @Column({ type: 'numeric' }) netProceeds: string;
  @Column({ type: 'integer' }) tenorDays: number;
  @Column({ type: 'date' }) maturityDate: string;
  @Column({ type: 'numeric' }) penaltyAccrued: string;
  @Column({ type: 'date', nullable: true }) penaltyAccruedTo: string | null;
  /** Σ (advance outstanding × penalty rate) over the booked days; penaltyAccrued is it / basis, rounded once. */
  @Column({ type: 'numeric' }) penaltyNumerator: string;
  @Column({ type: 'numeric' }) principalPaid: string;
  @Column({ type: 'numeric' }) penaltyPaid: string;
  @Column({ type: 'numeric' }) penaltyWaived: string;
  @Column({ type: 'numeric' }) reserveReleased: string;
  @Column({ type: 'text' }) status: FinancingItemStatus;
}
