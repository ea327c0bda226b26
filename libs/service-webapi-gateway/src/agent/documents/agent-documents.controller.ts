import {
  BadRequestException,
  Controller,
  Get,
  Header,
  Inject,
  Injectable,
  NotFoundException,
  Param,
  Post,
  UploadedFile,
  UseFilters,
  UseGuards,
  UseInterceptors,
  type StreamableFile,
} from '@nestjs/common';
import { FileInterceptor } from '@nestjs/platform-express';
import { GATEWAY_OPTIONS, type GatewayOptions } from '../../gateway-options';
import { attachment, filePartOptions, type FilePart } from '../../customer/files/file-transport';
import { AgentDocumentsErrorsFilter } from './agent-documents.filter';
import { AgentTokenGuard } from './agent-token.guard';

/**
 * Largest document an agent may store. No chat limit applies to agents; this only bounds the memory one upload
 * can take (larger: 413).
 */
const AGENT_DOCUMENT_MAX_BYTES = 100 * 1024 * 1024;

/** Reads the multipart part `file` of an agent's upload into memory. */
@Injectable()
class AgentUploadInterceptor extends FileInterceptor('file') {
  constructor(@Inject(GATEWAY_OPTIONS) { maxRequestBytes }: GatewayOptions) {
    super(filePartOptions(AGENT_DOCUMENT_MAX_BYTES, maxRequestBytes));
  }
}

export interface StoredDocumentInfo {
  documentId: string;
  size: number;
  name: string;
  mimeType: string;
}

/**
 * The UCS document store for agent-side clients (PSDK `RequestAddDocument` / `RequestGetDocument`): an agent
 * stores a file here, then posts `notify` SYS_COMMAND `file-uploaded` with its `file-document-id` on the
 * WebSocket; it fetches any chat file by the `file-document-id` of the notice. See docs/api/file-transfer.md.
 */
@Controller('agent/documents')
@UseGuards(AgentTokenGuard)
@UseFilters(AgentDocumentsErrorsFilter)
export class AgentDocumentsController {
  constructor(@Inject(GATEWAY_OPTIONS) private readonly options: GatewayOptions) {}

  @Post()
  @UseInterceptors(AgentUploadInterceptor)
  async store(@UploadedFile() file: FilePart | undefined): Promise<StoredDocumentInfo> {
    if (!file) throw new BadRequestException('file is required: send the file as the multipart part "file"');
    const { documentId, size, name, mimeType } = await this.options.ucs.addDocument({ name: file.originalname, mimeType: file.mimetype, content: file.buffer });
    return { documentId, size, name, mimeType };
  }

  @Get(':documentId')
  @Header('X-Content-Type-Options', 'nosniff')
  async fetch(@Param('documentId') documentId: string): Promise<StreamableFile> {
    const document = await this.options.ucs.getDocument(documentId);
    if (!document) throw new NotFoundException(`no document ${documentId.slice(0, 40)}`);
    return attachment(document, document.name);
  }
}
