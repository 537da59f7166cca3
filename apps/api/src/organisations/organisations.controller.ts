import { Body, Controller, Get, Param, Patch, Post, Res } from '@nestjs/common';
import type { Response } from 'express';
import { ApiConflictResponse, ApiCreatedResponse, ApiOkResponse, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsArray, IsEmail, IsEnum, IsIn, IsOptional, IsString, Length, MaxLength } from 'class-validator';
import { invalid, notFound } from '@scf/core';
import { Actor, mask, maySeeOrganisationSecrets, Organisation, OrganisationsService, OrganisationType, Role, User, UserStatus } from '@scf/identity';
import { CurrentActor, Roles } from '../auth/auth.decorators';
import { BankAccountField, NestedField, TaxIdField } from '../http/fields';
import { IdPipe } from '../http/id.pipe';
import { Problem } from '../http/problem';
import { InvitationDto, withInvitation } from './invitation.dto';

/** An invited user: no password, they choose it themselves through the invitation. */
export class NewUserDto {
  @ApiProperty({ example: 'treasurer@anchor.demo' }) @IsEmail() @MaxLength(254) email: string;
  @ApiProperty({ example: 'Li Wei' }) @IsString() @Length(1, 200) displayName: string;
  @ApiPropertyOptional({ enum: Role, isArray: true }) @IsOptional() @IsArray() @IsEnum(Role, { each: true }) roles?: Role[];
}

class NewAnchorDto {
  @ApiProperty({ enum: [OrganisationType.ANCHOR] }) @IsIn([OrganisationType.ANCHOR]) type: OrganisationType.ANCHOR;
  @ApiProperty({ example: 'Sunrise Motors Ltd' }) @IsString() @Length(1, 200) name: string;
  @TaxIdField() taxId?: string;
  @BankAccountField() bankAccount?: string;
  @NestedField(NewUserDto, 'the first user of the anchor, with role ANCHOR_ADMIN unless roles are given') admin: NewUserDto;
}

class BankDetailsDto {
  @TaxIdField() taxId?: string;
  @BankAccountField() bankAccount?: string;
}

export class OrganisationDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ enum: OrganisationType }) type: OrganisationType;
  @ApiProperty() name: string;
  @ApiProperty({ type: String, nullable: true, description: 'masked (****1234) unless the caller is an admin of this organisation or bank staff' })
  taxId: string | null;
  @ApiProperty({
    type: String,
    nullable: true,
    description: 'masked (****1234) unless the caller is an admin of this organisation or bank staff; a supplier\'s is the payout account its bank verified (null until then)',
  })
  bankAccount: string | null;

  /** Without an actor (or for one who may not see them) the tax id and bank account are masked. */
  static of(o: Organisation, actor?: Actor): OrganisationDto {
    const full = actor !== undefined && maySeeOrganisationSecrets(actor, o.id);
    return { id: o.id, type: o.type, name: o.name, taxId: full ? o.taxId : mask(o.taxId), bankAccount: full ? o.bankAccount : mask(o.bankAccount) };
  }
}

class OnboardedOrganisationDto extends OrganisationDto {
  @ApiProperty({ type: InvitationDto, description: 'the invitation of the first admin' }) invitation: InvitationDto;
}

export class UserDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() email: string;
  @ApiProperty() displayName: string;
  @ApiProperty({ enum: Role, isArray: true }) roles: Role[];
  @ApiProperty({ enum: UserStatus }) status: UserStatus;

  static of(u: User): UserDto {
    return { id: u.id, email: u.email, displayName: u.displayName, roles: u.roles, status: u.status };
  }
}

class InvitedUserDto extends UserDto {
  @ApiProperty({ type: InvitationDto }) invitation: InvitationDto;
}

const changedBy = (actor: Actor) => ({ userId: actor.userId, organisationId: actor.organisationId });

@ApiTags('organisations')
@Controller('v1/organisations')
export class OrganisationsController {
  constructor(private readonly organisations: OrganisationsService) {}

  /**
   * A bank onboards an anchor enterprise and invites its first admin. The answer shows the tax id
   * and bank account masked: it may be stored for Idempotency-Key replay, and the caller just sent them.
   */
  @Post()
  @Roles(Role.BANK_ADMIN, Role.BANK_CREDIT_OFFICER)
  @ApiCreatedResponse({ type: OnboardedOrganisationDto })
  async createAnchor(
    @CurrentActor() actor: Actor,
    @Body() body: NewAnchorDto,
    @Res({ passthrough: true }) response: Response,
  ): Promise<OnboardedOrganisationDto> {
    const { organisation, invitation } = await this.organisations.create({
      type: OrganisationType.ANCHOR,
      name: body.name,
      taxId: body.taxId,
      bankAccount: body.bankAccount,
      createdBy: changedBy(actor),
      admin: { ...body.admin, roles: body.admin.roles ?? [Role.ANCHOR_ADMIN] },
    });
    return withInvitation(response, OrganisationDto.of(organisation), invitation);
  }

  @Get('mine')
  @Roles(...Object.values(Role))
  @ApiOkResponse({ type: OrganisationDto })
  async mine(@CurrentActor() actor: Actor): Promise<OrganisationDto> {
    return OrganisationDto.of(await this.organisations.get(actor.organisationId), actor);
  }

  /**
   * An admin sets the organisation's tax id or bank account. A supplier's bank account is where its
   * money is paid: it changes through POST /v1/organisations/mine/payout-account-changes instead.
   */
  @Patch('mine')
  @Roles(Role.BANK_ADMIN, Role.ANCHOR_ADMIN, Role.SUPPLIER_ADMIN)
  @ApiOkResponse({ type: OrganisationDto })
  @ApiConflictResponse({ type: Problem, description: 'payout_account_change_required: a supplier proposes a payout account change for its bank to verify' })
  async changeBankDetails(@CurrentActor() actor: Actor, @Body() body: BankDetailsDto): Promise<OrganisationDto> {
    if (body.taxId === undefined && body.bankAccount === undefined) {
      throw invalid('nothing_to_change', 'send taxId and/or bankAccount', 'bankAccount');
    }
    const organisation = await this.organisations.updateBankDetails(actor.organisationId, body, changedBy(actor));
    return OrganisationDto.of(organisation, actor);
  }

  /** An organisation admin invites a colleague with roles allowed for the organisation type. */
  @Post(':id/users')
  @Roles(Role.BANK_ADMIN, Role.ANCHOR_ADMIN, Role.SUPPLIER_ADMIN)
  @ApiCreatedResponse({ type: InvitedUserDto, description: 'INVITED until they accept the invitation' })
  async addUser(
    @CurrentActor() actor: Actor,
    @Param('id', new IdPipe()) id: string,
    @Body() body: NewUserDto,
    @Res({ passthrough: true }) response: Response,
  ): Promise<InvitedUserDto> {
    if (id !== actor.organisationId) throw notFound('organisation', 'id');
    if (!body.roles?.length) throw invalid('roles_required', 'name at least one role for the new user', 'roles');
    const { user, invitation } = await this.organisations.addUser({
      organisationId: id,
      organisationType: actor.organisationType,
      email: body.email,
      displayName: body.displayName,
      roles: body.roles,
      addedBy: changedBy(actor),
    });
    return withInvitation(response, UserDto.of(user), invitation);
  }
}
