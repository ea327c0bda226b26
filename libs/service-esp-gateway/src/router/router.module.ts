import { Module, type DynamicModule } from '@nestjs/common';
import type { ManualRouting } from '@ocs/ports';
import { MANUAL_ROUTING } from './manual-routing.token';
import { RouterController } from './router.controller';

/**
 * The router surface of the embedded mode, under `/router`: with no real Interaction Server, a person or a test
 * plays routing against the in-memory one the chat server submits its interactions to. (Not Nest's RouterModule.)
 */
@Module({})
export class RouterModule {
  static forRoot(routing: ManualRouting): DynamicModule {
    return {
      module: RouterModule,
      controllers: [RouterController],
      providers: [{ provide: MANUAL_ROUTING, useValue: routing }],
    };
  }
}
