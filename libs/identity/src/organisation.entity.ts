import { AfterInsert, AfterLoad, AfterUpdate, BeforeInsert, BeforeUpdate, Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { openProperties, sealProperties } from './field-encryption';

export enum OrganisationType {
  BANK = 'BANK',
  ANCHOR = 'ANCHOR',
  SUPPLIER = 'SUPPLIER',
}

const SECRETS = { taxId: 'tax_id', bankAccount: 'bank_account' } as const;

@Entity('organisations')
export class Organisation {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ type: 'text' }) type: OrganisationType;
  @Column() name: string;
  /** Encrypted at rest (AES-256-GCM, bound to this row); show it through `mask` unless the reader may see it in full. */
  @Column({ type: 'text', nullable: true }) taxId: string | null;
  /**
   * Encrypted at rest like the tax id. For a supplier it is the payout account in effect: written
   * only when a bank verifies a payout account change (PayoutAccountsService).
   */
  @Column({ type: 'text', nullable: true }) bankAccount: string | null;
  @Column({ type: 'uuid', nullable: true }) createdByOrganisationId: string | null;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt: Date;

  @BeforeInsert()
  @BeforeUpdate()
  protected seal(): void {
    sealProperties<Organisation>(this, 'organisations', SECRETS);
  }

  @AfterLoad()
  @AfterInsert()
  @AfterUpdate()
  protected open(): void {
    openProperties<Organisation>(this, 'organisations', SECRETS);
  }
}
