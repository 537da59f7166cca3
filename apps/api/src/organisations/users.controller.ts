import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put, Query } from '@nestjs/common';
import { ApiNoContentResponse, ApiOkResponse, ApiProperty, ApiTags } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsEnum } from 'class-validator';
import { Actor, CredentialsService, Role, UsersService } from '@scf/identity';
import { CurrentActor, Roles } from '../auth/auth.decorators';
import { IdPipe } from '../http/id.pipe';
import { Page, PageOf, PageQuery, pageWindow, toPage } from '../http/pagination';
import { ProblemResponses } from '../programs/problem-responses';
import { UserDto } from './organisations.controller';

const ADMINS = [Role.BANK_ADMIN, Role.ANCHOR_ADMIN, Role.SUPPLIER_ADMIN];
/** Whoever may invite: organisation admins (colleagues, anchors) and the bank's credit officers and anchor admins (suppliers). */
const INVITERS = [...ADMINS, Role.BANK_CREDIT_OFFICER];

class RolesDto {
  @ApiProperty({ enum: Role, isArray: true, example: [Role.ANCHOR_PAYABLES], description: 'the user\'s roles from now on: roles of the organisation\'s type' })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(8)
  @IsEnum(Role, { each: true })
  roles: Role[];
}

/** An organisation's admins manage its users; the last active admin stays an admin. */
@ApiTags('users')
@Controller('v1')
export class UsersController {
  constructor(
    private readonly users: UsersService,
    private readonly credentials: CredentialsService,
  ) {}

  @Get('users')
  @Roles(...ADMINS)
  @ApiOkResponse({ type: PageOf(UserDto), description: 'the users of the caller\'s organisation, oldest first' })
  @ProblemResponses(400)
  async list(@CurrentActor() actor: Actor, @Query() query: PageQuery): Promise<Page<UserDto>> {
    const window = pageWindow(query);
    return toPage(await this.users.list(actor, window), window, UserDto.of);
  }

  /** Takes effect at once: the user's tokens are refused from the next request on. */
  @Post('users/:userId/deactivate')
  @HttpCode(200)
  @Roles(...ADMINS)
  @ApiOkResponse({ type: UserDto, description: 'DEACTIVATED; 409 last_admin for the organisation\'s last active admin' })
  @ProblemResponses(400, 404, 409)
  async deactivate(@CurrentActor() actor: Actor, @Param('userId', new IdPipe('userId')) userId: string): Promise<UserDto> {
    return UserDto.of(await this.users.deactivate(actor, userId));
  }

  @Post('users/:userId/reactivate')
  @HttpCode(200)
  @Roles(...ADMINS)
  @ApiOkResponse({ type: UserDto, description: 'ACTIVE again, with the password they had' })
  @ProblemResponses(400, 404, 409)
  async reactivate(@CurrentActor() actor: Actor, @Param('userId', new IdPipe('userId')) userId: string): Promise<UserDto> {
    return UserDto.of(await this.users.reactivate(actor, userId));
  }

  @Put('users/:userId/roles')
  @Roles(...ADMINS)
  @ApiOkResponse({ type: UserDto, description: '409 last_admin when it would take the admin role from the organisation\'s last active admin' })
  @ProblemResponses(400, 404, 409)
  async changeRoles(@CurrentActor() actor: Actor, @Param('userId', new IdPipe('userId')) userId: string, @Body() body: RolesDto): Promise<UserDto> {
    return UserDto.of(await this.users.changeRoles(actor, userId, body.roles));
  }

  /** The inviting organisation withdraws an invitation that was not accepted yet. */
  @Delete('invitations/:invitationId')
  @HttpCode(204)
  @Roles(...INVITERS)
  @ApiNoContentResponse({ description: 'revoked (also when it already was): the token no longer works' })
  @ProblemResponses(400, 404, 409)
  async revokeInvitation(@CurrentActor() actor: Actor, @Param('invitationId', new IdPipe('invitationId')) id: string): Promise<void> {
    await this.credentials.revokeInvitation(actor, id);
  }
}
