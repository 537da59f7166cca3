import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { PenaltyWaiversService, StatementsService } from '@scf/financing';
import { Actor, Role } from '@scf/identity';
import { CurrentActor, Roles } from '../auth/auth.decorators';
import { IdPipe } from '../http/id.pipe';
import { pageWindow } from '../http/pagination';
import { ProblemResponses } from '../programs/problem-responses';
import { BANK_ROLES } from '../programs/roles';
import { NewPenaltyWaiverDto, PenaltyWaiverDto, ReasonDto, StatementQuery, SupplierStatementDto } from './servicing.dto';

const BANK_CHECKERS = [Role.BANK_APPROVER, Role.BANK_OPERATIONS];

@ApiTags('servicing')
@Controller('v1')
export class ServicingController {
  constructor(
    private readonly statements: StatementsService,
    private readonly waivers: PenaltyWaiversService,
  ) {}

  /** Per financing and in total: advance repaid, reserve released, penalty booked, paid and waived. The supplier and its bank read it. */
  @Get('suppliers/:id/statement')
  @Roles(...BANK_ROLES, Role.SUPPLIER_ADMIN, Role.SUPPLIER_FINANCE)
  @ApiOkResponse({ type: SupplierStatementDto })
  @ProblemResponses(400, 404)
  statement(@CurrentActor() actor: Actor, @Param('id', new IdPipe('supplierId')) id: string, @Query() query: StatementQuery): Promise<SupplierStatementDto> {
    return this.statements.supplierStatement(actor, id, query.programId, pageWindow(query));
  }

  /** Proposes giving up part of the penalty outstanding; nothing changes until another bank user approves. */
  @Post('financing-items/:id/penalty-waivers')
  @Roles(Role.BANK_OPERATIONS)
  @ApiCreatedResponse({ type: PenaltyWaiverDto, description: 'PENDING' })
  @ProblemResponses(400, 404, 409)
  propose(@CurrentActor() actor: Actor, @Param('id', new IdPipe('financingItemId')) id: string, @Body() body: NewPenaltyWaiverDto): Promise<PenaltyWaiverDto> {
    return this.waivers.propose(actor, id, body);
  }

  @Post('financing-items/:id/penalty-waivers/:waiverId/approve')
  @HttpCode(200)
  @Roles(...BANK_CHECKERS)
  @ApiOkResponse({ type: PenaltyWaiverDto, description: 'APPROVED: the penalty outstanding is lower by the amount; the proposer can never approve (403 four_eyes)' })
  @ProblemResponses(400, 404, 409)
  approve(
    @CurrentActor() actor: Actor,
    @Param('id', new IdPipe('financingItemId')) id: string,
    @Param('waiverId', new IdPipe('waiverId')) waiverId: string,
  ): Promise<PenaltyWaiverDto> {
    return this.waivers.approve(actor, id, waiverId);
  }

  @Post('financing-items/:id/penalty-waivers/:waiverId/reject')
  @HttpCode(200)
  @Roles(...BANK_CHECKERS)
  @ApiOkResponse({ type: PenaltyWaiverDto, description: 'REJECTED' })
  @ProblemResponses(400, 404, 409)
  reject(
    @CurrentActor() actor: Actor,
    @Param('id', new IdPipe('financingItemId')) id: string,
    @Param('waiverId', new IdPipe('waiverId')) waiverId: string,
    @Body() body: ReasonDto,
  ): Promise<PenaltyWaiverDto> {
    return this.waivers.reject(actor, id, waiverId, body.reason);
  }
}
