import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

export enum OfferStatus {
  OPEN = 'OPEN',
  ACCEPTED = 'ACCEPTED',
  EXPIRED = 'EXPIRED',
  SUPERSEDED = 'SUPERSEDED',
  WITHDRAWN = 'WITHDRAWN',
}

/** An indicative financing offer on an OPEN receivable; it reserves nothing. */
@Entity('offers')
export class Offer {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ type: 'uuid' }) receivableId: string;
  @Column({ type: 'uuid' }) programId: string;
  @Column({ type: 'uuid' }) enrolmentId: string;
  @Column({ type: 'uuid' }) supplierId: string;
  @Column({ type: 'char', length: 3 }) currency: string;
  @Column({ type: 'numeric' }) faceAmount: string;
  @Column({ type: 'numeric' }) advance: string;
  @Column({ type: 'numeric' }) discount: string;
  @Column({ type: 'numeric' }) fee: string;
  @Column({ type: 'numeric' }) netProceeds: string;
  @Column({ type: 'numeric' }) annualRate: string;
  @Column({ type: 'numeric' }) effectiveAnnualCost: string;
  @Column({ type: 'integer' }) tenorDays: number;
  @Column({ type: 'date' }) valueDate: string;
  @Column({ type: 'date' }) maturityDate: string;
  @Column({ type: 'date' }) expiresOn: string;
  @Column({ type: 'integer' }) pricingVersion: number;
  @Column({ type: 'text' }) status: OfferStatus;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt: Date;
  @Column({ type: 'timestamptz', nullable: true }) closedAt: Date | null;
}
