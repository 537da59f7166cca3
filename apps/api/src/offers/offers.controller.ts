import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiBadRequestResponse, ApiNotFoundResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Actor, Role } from '@scf/identity';
import { OffersService } from '@scf/offers';
import { CurrentActor, Roles } from '../auth/auth.decorators';
import { IdPipe } from '../http/id.pipe';
import { Page, PageOf, pageWindow, toPage } from '../http/pagination';
import { Problem } from '../http/problem';
import { OfferDto, OffersQuery } from './offers.dto';

const OfferPage = PageOf(OfferDto);

/**
 * Offers as each organisation may see them: a supplier its own, an anchor those in its programs,
 * a bank those in the programs it funds. Anything else does not exist (404).
 */
@ApiTags('offers')
@Controller('v1/offers')
export class OffersController {
  constructor(private readonly offers: OffersService) {}

  @Get()
  @Roles(...Object.values(Role))
  @ApiOkResponse({ type: OfferPage })
  @ApiBadRequestResponse({ type: Problem, description: 'an unknown filter or sort, or a malformed date' })
  async list(@CurrentActor() actor: Actor, @Query() query: OffersQuery): Promise<Page<OfferDto>> {
    const window = pageWindow(query);
    const rows = await this.offers.list(actor, {
      status: query.status,
      programId: query.programId,
      maturityFrom: query.maturityFrom,
      maturityTo: query.maturityTo,
      sort: query.sort,
      ...window,
    });
    return toPage(rows, window, OfferDto.of);
  }

  @Get(':offerId')
  @Roles(...Object.values(Role))
  @ApiOkResponse({ type: OfferDto })
  @ApiNotFoundResponse({ type: Problem, description: 'no such offer, or not visible to the caller' })
  async get(@CurrentActor() actor: Actor, @Param('offerId', new IdPipe('offerId')) offerId: string): Promise<OfferDto> {
    return OfferDto.of(await this.offers.get(actor, offerId));
  }
}
