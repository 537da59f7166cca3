import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Actor, Role } from '@scf/identity';
import { programChangeView, programView, ProgramsService, redact } from '@scf/programs';
import { CurrentActor, Roles } from '../auth/auth.decorators';
import { IdPipe } from '../http/id.pipe';
import { Page, PageOf, PageQuery, pageWindow, toPage } from '../http/pagination';
import { ProblemResponses } from './problem-responses';
import { ALL_ROLES, PROGRAM_PARTY_ROLES } from './roles';
import {
  CreateProgramDto,
  OptionalReasonDto,
  ProgramChangeDto,
  ProgramDto,
  ProgramListQuery,
  ProposeProgramChangeDto,
  ReasonDto,
  UtilisationDto,
} from './program.dto';

const ProgramPage = PageOf(ProgramDto);
const ProgramChangePage = PageOf(ProgramChangeDto);

/** Programs (credit lines): a bank maker drafts and proposes changes, a different bank user approves. */
@ApiTags('programs')
@Controller('v1/programs')
export class ProgramsController {
  constructor(private readonly programs: ProgramsService) {}

  @Post()
  @Roles(Role.BANK_CREDIT_OFFICER)
  @ApiCreatedResponse({ type: ProgramDto, description: 'the program, in status DRAFT until a checker approves it' })
  @ProblemResponses(400)
  async create(@CurrentActor() actor: Actor, @Body() body: CreateProgramDto): Promise<ProgramDto> {
    return programView(await this.programs.create(actor, body));
  }

  @Get()
  @Roles(...ALL_ROLES)
  @ApiOkResponse({ type: ProgramPage, description: 'programs your organisation funds, owns or is enrolled in' })
  @ProblemResponses(400)
  async list(@CurrentActor() actor: Actor, @Query() query: ProgramListQuery): Promise<Page<ProgramDto>> {
    const window = pageWindow(query);
    return toPage(await this.programs.list(actor, query, window), window, (program) => redact(actor, 'program', programView(program)));
  }

  @Get(':id')
  @Roles(...ALL_ROLES)
  @ApiOkResponse({ type: ProgramDto })
  @ProblemResponses(400, 404)
  async get(@CurrentActor() actor: Actor, @Param('id', new IdPipe('programId')) id: string): Promise<ProgramDto> {
    return redact(actor, 'program', programView(await this.programs.findVisible(actor, id)));
  }

  @Post(':id/approve')
  @HttpCode(200)
  @Roles(Role.BANK_APPROVER)
  @ApiOkResponse({ type: ProgramDto, description: 'ACTIVE; offers are generated for its receivables. The maker can never approve (403 four_eyes).' })
  @ProblemResponses(400, 404, 409)
  async approve(@CurrentActor() actor: Actor, @Param('id', new IdPipe('programId')) id: string): Promise<ProgramDto> {
    return programView(await this.programs.approve(actor, id));
  }

  @Post(':id/reject')
  @HttpCode(200)
  @Roles(Role.BANK_APPROVER)
  @ApiOkResponse({ type: ProgramDto, description: 'REJECTED draft' })
  @ProblemResponses(400, 404, 409)
  async reject(@CurrentActor() actor: Actor, @Param('id', new IdPipe('programId')) id: string, @Body() body: ReasonDto): Promise<ProgramDto> {
    return programView(await this.programs.reject(actor, id, body.reason));
  }

  @Post(':id/suspend')
  @HttpCode(200)
  @Roles(Role.BANK_APPROVER, Role.BANK_ADMIN)
  @ApiOkResponse({ type: ProgramDto, description: 'SUSPENDED: finances nothing new; live financings run on' })
  @ProblemResponses(400, 404, 409)
  async suspend(@CurrentActor() actor: Actor, @Param('id', new IdPipe('programId')) id: string, @Body() body: OptionalReasonDto): Promise<ProgramDto> {
    return programView(await this.programs.suspend(actor, id, body.reason));
  }

  @Post(':id/reactivate')
  @Roles(Role.BANK_CREDIT_OFFICER, Role.BANK_APPROVER, Role.BANK_ADMIN)
  @ApiCreatedResponse({
    type: ProgramChangeDto,
    description: 'a PENDING change of kind REACTIVATION: the program stays SUSPENDED until a checker other than you approves it (POST …/changes/{changeId}/approve). 409 program_not_suspended, reactivation_pending',
  })
  @ProblemResponses(400, 404, 409)
  async reactivate(@CurrentActor() actor: Actor, @Param('id', new IdPipe('programId')) id: string): Promise<ProgramChangeDto> {
    const { program, change } = await this.programs.proposeReactivation(actor, id);
    return programChangeView(change, program.currency);
  }

  @Post(':id/changes')
  @Roles(Role.BANK_CREDIT_OFFICER)
  @ApiCreatedResponse({ type: ProgramChangeDto, description: 'PENDING until a checker other than you approves it' })
  @ProblemResponses(400, 404, 409)
  async proposeChange(
    @CurrentActor() actor: Actor,
    @Param('id', new IdPipe('programId')) id: string,
    @Body() body: ProposeProgramChangeDto,
  ): Promise<ProgramChangeDto> {
    const { program, change } = await this.programs.proposeChange(actor, id, body);
    return programChangeView(change, program.currency);
  }

  @Get(':id/changes')
  @Roles(...PROGRAM_PARTY_ROLES)
  @ApiOkResponse({ type: ProgramChangePage, description: 'newest first' })
  @ProblemResponses(400, 404)
  async listChanges(
    @CurrentActor() actor: Actor,
    @Param('id', new IdPipe('programId')) id: string,
    @Query() query: PageQuery,
  ): Promise<Page<ProgramChangeDto>> {
    const window = pageWindow(query);
    const { program, changes } = await this.programs.listChanges(actor, id, window);
    return toPage(changes, window, (change) => redact(actor, 'programChange', programChangeView(change, program.currency)));
  }

  @Post(':id/changes/:changeId/approve')
  @HttpCode(200)
  @Roles(Role.BANK_APPROVER)
  @ApiOkResponse({ type: ProgramChangeDto, description: 'APPROVED and applied; pricing changes bump pricingVersion and re-price offers; a REACTIVATION makes the program ACTIVE again' })
  @ProblemResponses(400, 404, 409)
  async approveChange(
    @CurrentActor() actor: Actor,
    @Param('id', new IdPipe('programId')) id: string,
    @Param('changeId', new IdPipe('changeId')) changeId: string,
  ): Promise<ProgramChangeDto> {
    const { program, change } = await this.programs.approveChange(actor, id, changeId);
    return programChangeView(change, program.currency);
  }

  @Post(':id/changes/:changeId/reject')
  @HttpCode(200)
  @Roles(Role.BANK_APPROVER)
  @ApiOkResponse({ type: ProgramChangeDto })
  @ProblemResponses(400, 404, 409)
  async rejectChange(
    @CurrentActor() actor: Actor,
    @Param('id', new IdPipe('programId')) id: string,
    @Param('changeId', new IdPipe('changeId')) changeId: string,
    @Body() body: ReasonDto,
  ): Promise<ProgramChangeDto> {
    const { program, change } = await this.programs.rejectChange(actor, id, changeId, body.reason);
    return programChangeView(change, program.currency);
  }

  @Get(':id/utilisation')
  @Roles(...PROGRAM_PARTY_ROLES)
  @ApiOkResponse({ type: UtilisationDto, description: 'for the program\'s bank and anchor' })
  @ProblemResponses(400, 404)
  async utilisation(
    @CurrentActor() actor: Actor,
    @Param('id', new IdPipe('programId')) id: string,
    @Query() query: PageQuery,
  ): Promise<UtilisationDto> {
    return this.programs.utilisation(actor, id, pageWindow(query));
  }
}
