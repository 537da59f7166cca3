import { Controller, Get, Query } from '@nestjs/common';
import { ApiExtraModels, ApiOkResponse, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsOptional, IsString, Length, Matches } from 'class-validator';
import { AuditLogService, RecordedEvent } from '@scf/audit';
import { Actor, Role } from '@scf/identity';
import { redactEvent } from '@scf/programs';
import { CurrentActor, Roles } from '../auth/auth.decorators';
import { Page, PageOf, PageQuery, pageWindow, toPage } from '../http/pagination';

class AuditEventQuery extends PageQuery {
  @ApiPropertyOptional({ example: 'invoice' })
  @IsOptional()
  @IsString()
  @Matches(/^[a-z][a-z0-9_.-]{0,63}$/, { message: '$property must be an object type such as invoice or program' })
  objectType?: string;

  @ApiPropertyOptional({ example: '3f0c…' })
  @IsOptional()
  @IsString()
  @Length(1, 128)
  objectId?: string;
}

class VerifyQuery {
  @ApiPropertyOptional({ description: 'verify only this chain (a program or organisation id)' })
  @IsOptional()
  @IsString()
  @Length(1, 128)
  chainId?: string;
}

class AuditEventDto {
  @ApiProperty({ description: 'the program id, or the organisation id for events outside a program' }) chainId: string;
  @ApiProperty() seq: number;
  @ApiProperty({ type: String, format: 'date-time' }) occurredAt: string;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) actorUserId: string | null;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) organisationId: string | null;
  @ApiProperty({ example: 'invoice.confirmed' }) action: string;
  @ApiProperty() objectType: string;
  @ApiProperty() objectId: string;
  @ApiPropertyOptional({ type: Object, nullable: true }) before: unknown;
  @ApiPropertyOptional({ type: Object, nullable: true }) after: unknown;
  @ApiProperty({ description: 'SHA-256 of the previous event of the chain' }) prevHash: string;
  @ApiProperty({ description: 'SHA-256(prevHash ‖ canonical JSON of the event)' }) hash: string;
  @ApiProperty({
    description:
      "before/after were shortened for your organisation (an anchor does not see its suppliers' price). The hash covers the " +
      'stored event, so a shortened event can not be re-hashed by its reader; the bank verifies every chain (GET /v1/audit/verify)',
  })
  redacted: boolean;

  static of(e: RecordedEvent & { redacted: boolean }): AuditEventDto {
    return { ...e, occurredAt: e.occurredAt.toISOString() };
  }
}

class BrokenLinkDto {
  @ApiProperty() chainId: string;
  @ApiProperty() seq: number;
  @ApiProperty() reason: string;
}

class VerificationDto {
  @ApiProperty() ok: boolean;
  @ApiProperty() chainsChecked: number;
  @ApiProperty() eventsChecked: number;
  @ApiProperty() brokenChains: number;
  @ApiPropertyOptional({ type: BrokenLinkDto }) firstBroken?: BrokenLinkDto;
}

/** The tamper-evident business event log: each organisation reads its own history; bank staff verify the chains. */
@ApiTags('audit')
@ApiExtraModels(BrokenLinkDto)
@Controller('v1/audit')
export class AuditController {
  constructor(private readonly log: AuditLogService) {}

  @Get('events')
  @Roles(...Object.values(Role))
  @ApiOkResponse({ type: PageOf(AuditEventDto) })
  async events(@CurrentActor() actor: Actor, @Query() query: AuditEventQuery): Promise<Page<AuditEventDto>> {
    const window = pageWindow(query);
    const rows = await this.log.events(
      { organisationId: actor.organisationId, organisationType: actor.organisationType },
      { objectType: query.objectType, objectId: query.objectId },
      window,
    );
    return toPage(rows, window, (event) => AuditEventDto.of(redactEvent(actor, event)));
  }

  /** Recomputes every hash of every chain and checks each chain head: ok, or the first broken link. */
  @Get('verify')
  @Roles(Role.BANK_ADMIN, Role.BANK_APPROVER)
  @ApiOkResponse({ type: VerificationDto })
  verify(@CurrentActor() actor: Actor, @Query() query: VerifyQuery): Promise<VerificationDto> {
    return this.log.verify(actor, query.chainId);
  }
}
