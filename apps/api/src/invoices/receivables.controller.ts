import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiNotFoundResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Actor, Role } from '@scf/identity';
import { ReceivablesService } from '@scf/receivables';
import { CurrentActor, Roles } from '../auth/auth.decorators';
import { IdPipe } from '../http/id.pipe';
import { Page, PageOf, pageWindow, toPage } from '../http/pagination';
import { Problem } from '../http/problem';
import { ReceivableDetailDto, ReceivableDto, ReceivableQuery } from './receivable.dto';

const ReceivablePage = PageOf(ReceivableDto);

@ApiTags('receivables')
@Controller('v1/receivables')
export class ReceivablesController {
  constructor(private readonly receivables: ReceivablesService) {}

  @Get()
  @Roles(...Object.values(Role))
  @ApiOkResponse({ type: ReceivablePage })
  async list(@CurrentActor() actor: Actor, @Query() query: ReceivableQuery): Promise<Page<ReceivableDto>> {
    const window = pageWindow(query);
    const { status, programId, dueFrom, dueTo, sort } = query;
    return toPage(await this.receivables.list(actor, { status, programId, dueFrom, dueTo, sort }, window), window, ReceivableDto.of);
  }

  @Get(':id')
  @Roles(...Object.values(Role))
  @ApiOkResponse({ type: ReceivableDetailDto })
  @ApiNotFoundResponse({ type: Problem })
  async get(@CurrentActor() actor: Actor, @Param('id', new IdPipe('receivableId')) id: string): Promise<ReceivableDetailDto> {
    return ReceivableDetailDto.ofDetail(await this.receivables.get(actor, id));
  }
}
