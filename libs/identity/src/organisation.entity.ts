import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

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
  @Column({ type: 'text', nullable: true }) taxId: string | null;
  @Column({ type: 'text', nullable: true }) bankAccount: string | null;
  @Column({ type: 'uuid', nullable: true }) createdByOrganisationId: string | null;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt: Date;
}
