import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsIn, IsOptional, IsUUID } from 'class-validator';
import { Actor, mask, maySeeOrganisationSecrets, PayoutAccountChange, PayoutAccountChangeStatus, PayoutAccountsService, Role } from '@scf/identity';
import { CurrentActor, Roles } from '../auth/auth.decorators';
import { BankAccountField } from '../http/fields';
import { IdPipe } from '../http/id.pipe';
import { Page, PageOf, PageQuery, pageWindow, toPage } from '../http/pagination';
import { ProblemResponses } from '../programs/problem-responses';
import { ReasonDto } from '../programs/program.dto';

class NewPayoutAccountDto {
  @BankAccountField(false) bankAccount: string;
}

class PayoutAccountChangeQuery extends PageQuery {
  @ApiPropertyOptional({ enum: PayoutAccountChangeStatus }) @IsOptional() @IsIn(Object.values(PayoutAccountChangeStatus)) status?: PayoutAccountChangeStatus;
  @ApiPropertyOptional({ format: 'uuid', description: 'one supplier (a bank sees the suppliers it finances)' })
  @IsOptional()
  @IsUUID('all', { message: 'organisationId must be a UUID' })
  organisationId?: string;
}

export class PayoutAccountChangeDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid', description: 'the supplier whose payout account it is' }) organisationId: string;
  @ApiProperty({ example: '6222021234567890123', description: 'in full for the supplier\'s admins and the bank; masked (****0123) for everyone else' })
  bankAccount: string;
  @ApiProperty({ enum: PayoutAccountChangeStatus, description: 'VERIFIED is the account funding pays to' }) status: PayoutAccountChangeStatus;
  @ApiProperty({ nullable: true, type: String, description: 'why the bank rejected it' }) reason: string | null;
  @ApiProperty({ format: 'uuid' }) proposedBy: string;
  @ApiProperty({ format: 'uuid' }) proposedByOrganisationId: string;
  @ApiProperty({ format: 'uuid', nullable: true, type: String }) decidedBy: string | null;
  @ApiProperty({ format: 'uuid', nullable: true, type: String, description: 'the bank that verified or rejected it' }) decidedByOrganisationId: string | null;
  @ApiProperty() createdAt: Date;
  @ApiProperty({ nullable: true, type: Date }) decidedAt: Date | null;
  @ApiProperty({ nullable: true, type: Date, description: 'when a later verified change replaced it' }) supersededAt: Date | null;

  static of(change: PayoutAccountChange, actor: Actor): PayoutAccountChangeDto {
    const full = maySeeOrganisationSecrets(actor, change.organisationId);
    return { ...change, bankAccount: full ? change.bankAccount : mask(change.bankAccount)! };
  }
}

const BANK_ROLES = [Role.BANK_ADMIN, Role.BANK_CREDIT_OFFICER, Role.BANK_APPROVER, Role.BANK_OPERATIONS];

/**
 * Where a supplier's money is paid: a supplier admin proposes a payout account, a checker of a
 * bank that finances the supplier verifies it (never the proposer) and only then is it paid to.
 */
@ApiTags('payout accounts')
@Controller('v1')
export class PayoutAccountsController {
  constructor(private readonly payoutAccounts: PayoutAccountsService) {}

  @Post('organisations/mine/payout-account-changes')
  @Roles(Role.SUPPLIER_ADMIN)
  @ApiCreatedResponse({ type: PayoutAccountChangeDto, description: 'PENDING until a bank checker verifies it; funding pays the account verified before (409 payout_account_change_pending while one waits)' })
  @ProblemResponses(400, 404, 409)
  async propose(@CurrentActor() actor: Actor, @Body() body: NewPayoutAccountDto): Promise<PayoutAccountChangeDto> {
    return PayoutAccountChangeDto.of(await this.payoutAccounts.proposeOwn(actor, body.bankAccount), actor);
  }

  @Get('payout-account-changes')
  @Roles(Role.SUPPLIER_ADMIN, Role.SUPPLIER_FINANCE, ...BANK_ROLES)
  @ApiOkResponse({ type: PageOf(PayoutAccountChangeDto), description: 'a supplier\'s own changes; a bank\'s, those of the suppliers it finances (filter status=PENDING for the checker\'s queue); newest first' })
  @ProblemResponses(400)
  async list(@CurrentActor() actor: Actor, @Query() query: PayoutAccountChangeQuery): Promise<Page<PayoutAccountChangeDto>> {
    const window = pageWindow(query);
    const changes = await this.payoutAccounts.list(actor, { status: query.status, organisationId: query.organisationId, ...window });
    return toPage(changes, window, (change) => PayoutAccountChangeDto.of(change, actor));
  }

  @Post('payout-account-changes/:id/verify')
  @HttpCode(200)
  @Roles(Role.BANK_APPROVER)
  @ApiOkResponse({ type: PayoutAccountChangeDto, description: 'VERIFIED: funding pays here from now on; the proposer can never verify (403 four_eyes)' })
  @ProblemResponses(400, 404, 409)
  async verify(@CurrentActor() actor: Actor, @Param('id', new IdPipe('id')) id: string): Promise<PayoutAccountChangeDto> {
    return PayoutAccountChangeDto.of(await this.payoutAccounts.verify(actor, id), actor);
  }

  @Post('payout-account-changes/:id/reject')
  @HttpCode(200)
  @Roles(Role.BANK_APPROVER)
  @ApiOkResponse({ type: PayoutAccountChangeDto, description: 'REJECTED with the reason; the verified account stays in effect' })
  @ProblemResponses(400, 404, 409)
  async reject(@CurrentActor() actor: Actor, @Param('id', new IdPipe('id')) id: string, @Body() body: ReasonDto): Promise<PayoutAccountChangeDto> {
    return PayoutAccountChangeDto.of(await this.payoutAccounts.reject(actor, id, body.reason), actor);
  }
}
