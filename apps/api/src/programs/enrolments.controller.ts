import { Body, Controller, Get, HttpCode, Param, Post, Query, Res } from '@nestjs/common';
import type { Response } from 'express';
import { ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Actor, Role } from '@scf/identity';
import { EnrolmentChange, enrolmentChangeView, EnrolmentsService, redact } from '@scf/programs';
import { CurrentActor, Roles } from '../auth/auth.decorators';
import { IdPipe } from '../http/id.pipe';
import { Page, PageOf, PageQuery, pageWindow, toPage } from '../http/pagination';
import { ProblemResponses } from './problem-responses';
import { OptionalReasonDto, ReasonDto } from './program.dto';
import { ALL_ROLES, PROGRAM_PARTY_ROLES } from './roles';
import { AllEnrolmentsQuery, EnrolmentChangeDto, EnrolmentDto, EnrolmentListQuery, ProposedEnrolmentDto, ProposeEnrolmentDto, SubLimitDto } from './enrolment.dto';
import { withInvitation } from '../organisations/invitation.dto';

const EnrolmentPage = PageOf(EnrolmentDto);
const EnrolmentChangePage = PageOf(EnrolmentChangeDto);
const changeDto = ({ change, currency }: { change: EnrolmentChange; currency: string }) => enrolmentChangeView(change, currency);

/** Enrolments: suppliers in a program with their sub-limits; a bank checker approves each. */
@ApiTags('enrolments')
@Controller('v1')
export class EnrolmentsController {
  constructor(private readonly enrolments: EnrolmentsService) {}

  @Post('programs/:id/enrolments')
  @Roles(Role.ANCHOR_ADMIN, Role.BANK_CREDIT_OFFICER)
  @ApiCreatedResponse({
    type: ProposedEnrolmentDto,
    description: 'PENDING until a bank checker approves; `invite` creates the supplier and invites its SUPPLIER_ADMIN user',
  })
  @ProblemResponses(400, 404, 409)
  async propose(
    @CurrentActor() actor: Actor,
    @Param('id', new IdPipe('programId')) id: string,
    @Body() body: ProposeEnrolmentDto,
    @Res({ passthrough: true }) response: Response,
  ): Promise<ProposedEnrolmentDto> {
    const { enrolment, invitation } = await this.enrolments.propose(actor, id, body);
    return invitation ? withInvitation(response, enrolment, invitation) : enrolment;
  }

  @Get('programs/:id/enrolments')
  @Roles(...PROGRAM_PARTY_ROLES)
  @ApiOkResponse({ type: EnrolmentPage, description: 'for the program\'s bank and anchor; newest first' })
  @ProblemResponses(400, 404)
  async listForProgram(
    @CurrentActor() actor: Actor,
    @Param('id', new IdPipe('programId')) id: string,
    @Query() query: EnrolmentListQuery,
  ): Promise<Page<EnrolmentDto>> {
    const window = pageWindow(query);
    return toPage(await this.enrolments.listForProgram(actor, id, query, window), window, (view) => view);
  }

  @Get('enrolments')
  @Roles(...ALL_ROLES)
  @ApiOkResponse({ type: EnrolmentPage, description: 'a supplier\'s own enrolments; a bank\'s or anchor\'s in its programs' })
  @ProblemResponses(400)
  async list(@CurrentActor() actor: Actor, @Query() query: AllEnrolmentsQuery): Promise<Page<EnrolmentDto>> {
    const window = pageWindow(query);
    return toPage(await this.enrolments.list(actor, query, window), window, (view) => view);
  }

  @Get('enrolments/:id')
  @Roles(...ALL_ROLES)
  @ApiOkResponse({ type: EnrolmentDto })
  @ProblemResponses(400, 404)
  async get(@CurrentActor() actor: Actor, @Param('id', new IdPipe('enrolmentId')) id: string): Promise<EnrolmentDto> {
    return this.enrolments.findVisible(actor, id);
  }

  @Post('enrolments/:id/approve')
  @HttpCode(200)
  @Roles(Role.BANK_APPROVER)
  @ApiOkResponse({ type: EnrolmentDto, description: 'APPROVED; the proposer can never approve (403 four_eyes)' })
  @ProblemResponses(400, 404, 409)
  async approve(@CurrentActor() actor: Actor, @Param('id', new IdPipe('enrolmentId')) id: string): Promise<EnrolmentDto> {
    return this.enrolments.approve(actor, id);
  }

  @Post('enrolments/:id/reject')
  @HttpCode(200)
  @Roles(Role.BANK_APPROVER)
  @ApiOkResponse({ type: EnrolmentDto, description: 'REJECTED' })
  @ProblemResponses(400, 404, 409)
  async reject(@CurrentActor() actor: Actor, @Param('id', new IdPipe('enrolmentId')) id: string, @Body() body: ReasonDto): Promise<EnrolmentDto> {
    return this.enrolments.reject(actor, id, body.reason);
  }

  @Post('enrolments/:id/suspend')
  @HttpCode(200)
  @Roles(Role.BANK_APPROVER, Role.BANK_ADMIN)
  @ApiOkResponse({ type: EnrolmentDto, description: 'SUSPENDED: the supplier gets no new financing' })
  @ProblemResponses(400, 404, 409)
  async suspend(@CurrentActor() actor: Actor, @Param('id', new IdPipe('enrolmentId')) id: string, @Body() body: OptionalReasonDto): Promise<EnrolmentDto> {
    return this.enrolments.suspend(actor, id, body.reason);
  }

  @Post('enrolments/:id/reactivate')
  @Roles(Role.BANK_CREDIT_OFFICER, Role.BANK_APPROVER, Role.BANK_ADMIN)
  @ApiCreatedResponse({
    type: EnrolmentChangeDto,
    description:
      'a PENDING change of kind REACTIVATION: the enrolment stays SUSPENDED until a bank checker other than you approves it ' +
      '(POST …/sub-limit-changes/{changeId}/approve, which decides every enrolment change). 409 enrolment_not_suspended, reactivation_pending',
  })
  @ProblemResponses(400, 404, 409)
  async reactivate(@CurrentActor() actor: Actor, @Param('id', new IdPipe('enrolmentId')) id: string): Promise<EnrolmentChangeDto> {
    return changeDto(await this.enrolments.proposeReactivation(actor, id));
  }

  @Post('enrolments/:id/sub-limit')
  @Roles(Role.BANK_CREDIT_OFFICER, Role.ANCHOR_ADMIN)
  @ApiCreatedResponse({ type: EnrolmentChangeDto, description: 'PENDING until a bank checker other than you approves it' })
  @ProblemResponses(400, 404, 409)
  async proposeSubLimit(@CurrentActor() actor: Actor, @Param('id', new IdPipe('enrolmentId')) id: string, @Body() body: SubLimitDto): Promise<EnrolmentChangeDto> {
    return changeDto(await this.enrolments.proposeSubLimit(actor, id, body.subLimit));
  }

  @Get('enrolments/:id/sub-limit-changes')
  @Roles(...PROGRAM_PARTY_ROLES)
  @ApiOkResponse({ type: EnrolmentChangePage, description: 'the enrolment\'s changes, sub-limits and reactivations (kind), newest first' })
  @ProblemResponses(400, 404)
  async listSubLimitChanges(
    @CurrentActor() actor: Actor,
    @Param('id', new IdPipe('enrolmentId')) id: string,
    @Query() query: PageQuery,
  ): Promise<Page<EnrolmentChangeDto>> {
    const window = pageWindow(query);
    const { changes, currency } = await this.enrolments.listSubLimitChanges(actor, id, window);
    return toPage(changes, window, (change) => redact(actor, 'enrolmentChange', enrolmentChangeView(change, currency)));
  }

  @Post('enrolments/:id/sub-limit-changes/:changeId/approve')
  @HttpCode(200)
  @Roles(Role.BANK_APPROVER)
  @ApiOkResponse({
    type: EnrolmentChangeDto,
    description: 'APPROVED and applied: a sub-limit never below the supplier\'s utilisation (409 limit_below_utilisation); a REACTIVATION makes the enrolment APPROVED again',
  })
  @ProblemResponses(400, 404, 409)
  async approveSubLimit(
    @CurrentActor() actor: Actor,
    @Param('id', new IdPipe('enrolmentId')) id: string,
    @Param('changeId', new IdPipe('changeId')) changeId: string,
  ): Promise<EnrolmentChangeDto> {
    return changeDto(await this.enrolments.approveChange(actor, id, changeId));
  }

  @Post('enrolments/:id/sub-limit-changes/:changeId/reject')
  @HttpCode(200)
  @Roles(Role.BANK_APPROVER)
  @ApiOkResponse({ type: EnrolmentChangeDto })
  @ProblemResponses(400, 404, 409)
  async rejectSubLimit(
    @CurrentActor() actor: Actor,
    @Param('id', new IdPipe('enrolmentId')) id: string,
    @Param('changeId', new IdPipe('changeId')) changeId: string,
    @Body() body: ReasonDto,
  ): Promise<EnrolmentChangeDto> {
    return changeDto(await this.enrolments.rejectChange(actor, id, changeId, body.reason));
  }
}
