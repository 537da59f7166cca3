import { Body, Controller, Get, Param, Patch, Post } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsArray, IsEmail, IsEnum, IsIn, IsOptional, IsString, Length, MaxLength, MinLength } from 'class-validator';
import { invalid, notFound } from '@scf/core';
import { Actor, mask, maySeeOrganisationSecrets, Organisation, OrganisationsService, OrganisationType, Role } from '@scf/identity';
import { CurrentActor, Roles } from '../auth/auth.decorators';
import { BankAccountField, NestedField, TaxIdField } from '../http/fields';
import { IdPipe } from '../http/id.pipe';

export class NewUserDto {
  @ApiProperty({ example: 'treasurer@anchor.demo' }) @IsEmail() @MaxLength(254) email: string;
  @ApiProperty({ example: 'Li Wei' }) @IsString() @Length(1, 200) displayName: string;
  @ApiProperty({ description: 'at least 12 characters' }) @IsString() @MinLength(12) @MaxLength(256) password: string;
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
  @ApiProperty({ type: String, nullable: true, description: 'masked (****1234) unless the caller is an admin of this organisation or bank staff' })
  bankAccount: string | null;

  /** Without an actor (or for one who may not see them) the tax id and bank account are masked. */
  static of(o: Organisation, actor?: Actor): OrganisationDto {
    const full = actor !== undefined && maySeeOrganisationSecrets(actor, o.id);
    return { id: o.id, type: o.type, name: o.name, taxId: full ? o.taxId : mask(o.taxId), bankAccount: full ? o.bankAccount : mask(o.bankAccount) };
  }
}

class UserDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() email: string;
  @ApiProperty() displayName: string;
  @ApiProperty({ enum: Role, isArray: true }) roles: Role[];
}

const changedBy = (actor: Actor) => ({ userId: actor.userId, organisationId: actor.organisationId });

@ApiTags('organisations')
@Controller('v1/organisations')
export class OrganisationsController {
  constructor(private readonly organisations: OrganisationsService) {}

  /**
   * A bank onboards an anchor enterprise and its first admin. The answer shows the tax id and bank
   * account masked: it may be stored for Idempotency-Key replay, and the caller just sent them.
   */
  @Post()
  @Roles(Role.BANK_ADMIN, Role.BANK_CREDIT_OFFICER)
  @ApiCreatedResponse({ type: OrganisationDto })
  async createAnchor(@CurrentActor() actor: Actor, @Body() body: NewAnchorDto): Promise<OrganisationDto> {
    const { organisation } = await this.organisations.create({
      type: OrganisationType.ANCHOR,
      name: body.name,
      taxId: body.taxId,
      bankAccount: body.bankAccount,
      createdBy: changedBy(actor),
      admin: { ...body.admin, roles: body.admin.roles ?? [Role.ANCHOR_ADMIN] },
    });
    return OrganisationDto.of(organisation);
  }

  @Get('mine')
  @Roles(...Object.values(Role))
  @ApiOkResponse({ type: OrganisationDto })
  async mine(@CurrentActor() actor: Actor): Promise<OrganisationDto> {
    return OrganisationDto.of(await this.organisations.get(actor.organisationId), actor);
  }

  /** An admin sets the organisation's tax id or bank account (the account its proceeds are paid to). */
  @Patch('mine')
  @Roles(Role.BANK_ADMIN, Role.ANCHOR_ADMIN, Role.SUPPLIER_ADMIN)
  @ApiOkResponse({ type: OrganisationDto })
  async changeBankDetails(@CurrentActor() actor: Actor, @Body() body: BankDetailsDto): Promise<OrganisationDto> {
    if (body.taxId === undefined && body.bankAccount === undefined) {
      throw invalid('nothing_to_change', 'send taxId and/or bankAccount', 'bankAccount');
    }
    const organisation = await this.organisations.updateBankDetails(actor.organisationId, body, changedBy(actor));
    return OrganisationDto.of(organisation, actor);
  }

  /** An organisation admin adds a colleague with roles allowed for the organisation type. */
  @Post(':id/users')
  @Roles(Role.BANK_ADMIN, Role.ANCHOR_ADMIN, Role.SUPPLIER_ADMIN)
  @ApiCreatedResponse({ type: UserDto })
  async addUser(@CurrentActor() actor: Actor, @Param('id', new IdPipe()) id: string, @Body() body: NewUserDto): Promise<UserDto> {
    if (id !== actor.organisationId) throw notFound('organisation', 'id');
    if (!body.roles?.length) throw invalid('roles_required', 'name at least one role for the new user', 'roles');
    const user = await this.organisations.addUser({
      organisationId: id,
      organisationType: actor.organisationType,
      email: body.email,
      displayName: body.displayName,
      password: body.password,
      roles: body.roles,
      addedBy: changedBy(actor),
    });
    return { id: user.id, email: user.email, displayName: user.displayName, roles: user.roles };
  }
}
