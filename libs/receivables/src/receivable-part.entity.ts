import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** Who holds how much of a receivable. One part at confirmation; splits and transfers add parts. */
@Entity('receivable_parts')
export class ReceivablePart {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ type: 'uuid' }) receivableId: string;
  @Column({ type: 'uuid' }) holderId: string;
  @Column({ type: 'numeric' }) amount: string;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt: Date;
}
