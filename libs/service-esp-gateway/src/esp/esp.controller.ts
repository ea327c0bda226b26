import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ChatEsp, type EspResponse } from './chat-esp';

/** Where Interaction Server posts ESP requests (see docs/api/esp.md). */
export const ESP_PATH = '/esp';

@Controller(ESP_PATH)
export class EspController {
  constructor(private readonly esp: ChatEsp) {}

  /** Answers `Event3rdServerResponse`; a refusal is thrown and answered by `EspFaultFilter`. */
  @Post()
  @HttpCode(200)
  handle(@Body() body: unknown): Promise<EspResponse> {
    return this.esp.handle(body);
  }
}
