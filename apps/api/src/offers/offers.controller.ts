import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiBadRequestResponse, ApiNotFoundResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Actor, Role } from '@scf/identity';
import { OffersService } from '@scf/offers';
import { redact } from '@scf/programs';
import { CurrentActor, Roles } from '../auth/auth.decorators';
import { IdPipe } from '../http/id.pipe';
import { BANK_ROLES } from '../programs/roles';
import { Page, PageOf, pageWindow, toPage } from '../http/pagination';
import { Problem } from '../http/problem';
import { OfferDto, OffersQuery } from './offers.dto';

const OfferPage = PageOf(OfferDto);
/** An offer is the supplier's price: its anchor never reads it (libs/programs visibility.ts). */
const OFFER_READERS = [Role.SUPPLIER_ADMIN, Role.SUPPLIER_FINANCE, ...BANK_ROLES];

/**
 * Offers as each organisation may see them: a supplier its own, a bank those in the programs it
 * funds. Anything else does not exist (404); an anchor is refused (403).
 */
@ApiTags('offers')
@Controller('v1/offers')
export class OffersController {
  constructor(private readonly offers: OffersService) {}

  @Get()
  @Roles(...OFFER_READERS)
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
    return toPage(rows, window, (offer) => redact(actor, 'offer', OfferDto.of(offer)));
  }

  @Get(':offerId')
  @Roles(...OFFER_READERS)
  @ApiOkResponse({ type: OfferDto })
  @ApiNotFoundResponse({ type: Problem, description: 'no such offer, or not visible to the caller' })
  async get(@CurrentActor() actor: Actor, @Param('offerId', new IdPipe('offerId')) offerId: string): Promise<OfferDto> {
    return redact(actor, 'offer', OfferDto.of(await this.offers.get(actor, offerId)));
  }
}
