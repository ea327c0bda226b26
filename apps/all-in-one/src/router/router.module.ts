import { Module, type DynamicModule } from '@nestjs/common';
import { MemoryInteractionServer } from '@ocs/adapters-memory';
import { RouterController } from './router.controller';

/**
 * The router surface of the embedded mode, under `/router`: with no real Interaction Server, a person or a test
 * plays routing against the in-memory one the chat server submits its interactions to. (Not Nest's RouterModule.)
 */
@Module({})
export class RouterModule {
  static forRoot(server: MemoryInteractionServer): DynamicModule {
    return {
      module: RouterModule,
      controllers: [RouterController],
      providers: [{ provide: MemoryInteractionServer, useValue: server }],
    };
  }
}
