import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { encryptedColumn } from './field-encryption';

export enum OrganisationType {
  BANK = 'BANK',
  ANCHOR = 'ANCHOR',
  SUPPLIER = 'SUPPLIER',
}

@Entity('organisations')
export class Organisation {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ type: 'text' }) type: OrganisationType;
  @Column() name: string;
  /** Encrypted at rest (AES-256-GCM); show it through `mask` unless the reader may see it in full. */
  @Column({ type: 'text', nullable: true, transformer: encryptedColumn('organisations.tax_id') }) taxId: string | null;
  /** Encrypted at rest (AES-256-GCM); show it through `mask` unless the reader may see it in full. */
  @Column({ type: 'text', nullable: true, transformer: encryptedColumn('organisations.bank_account') }) bankAccount: string | null;
  @Column({ type: 'uuid', nullable: true }) createdByOrganisationId: string | null;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt: Date;
}
