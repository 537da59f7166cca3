import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { Role } from './role';

export enum UserStatus {
  /** Added by someone else: no password until the user redeems the invitation. */
  INVITED = 'INVITED',
  ACTIVE = 'ACTIVE',
  /** By an admin of the organisation: can't log in, every session revoked. */
  DEACTIVATED = 'DEACTIVATED',
}

@Entity('users')
export class User {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ type: 'uuid' }) organisationId: string;
  @Column() email: string;
  @Column() displayName: string;
  @Column({ type: 'text', nullable: true, select: false }) passwordHash: string | null;
  @Column({ type: 'text', array: true }) roles: Role[];
  @Column({ type: 'text' }) status: UserStatus;
  @Column({ type: 'integer' }) tokenVersion: number;
  @Column({ type: 'integer' }) failedLogins: number;
  @Column({ type: 'timestamptz', nullable: true }) lockedUntil: Date | null;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt: Date;
}
