import { Inject, Injectable, type StreamableFile } from '@nestjs/common';
import { ChatError, FILE_KEYS, findFile } from '@ocs/chat-domain';
import type { Actor } from '@ocs/chat-engine';
import {
  CustomerChat,
  GmsApiError,
  fileDeletedNotice,
  fileLimitsResponse,
  fileUploadedNotice,
  fileUploadedResponse,
  readFrom,
  secureKeyActor,
  type Fields,
  type GmsResponse,
} from '@ocs/gms-chat-v2';
import { LOGGER, type Logger } from '@ocs/observability';
import { GATEWAY_OPTIONS, type GatewayOptions } from '../../gateway-options';
import { attachment, type FilePart } from './file-transport';

/**
 * Customer file transfer for both transports (the REST paths and the CometD-mode `/genesys/2/chat-ntf`): the
 * engine applies the customer's limits and counts, UCS holds the bytes, the chat carries `file-uploaded` and
 * `file-deleted` notices. `position` is the transcript position a reply carries entries from (none if undefined).
 */
@Injectable()
export class CustomerFiles {
  constructor(
    private readonly chat: CustomerChat,
    @Inject(GATEWAY_OPTIONS) private readonly options: GatewayOptions,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  /** The customer a CometD-mode request names by its secure key. */
  identify(fields: Fields): Promise<Actor> {
    return secureKeyActor(fields, (secureKey, sessionId) => this.options.engine.findParty(secureKey, sessionId));
  }

  async limits(actor: Actor): Promise<GmsResponse> {
    // Read from the start: the limits notice comes from the customer, as its own events name it.
    const { limits, view } = await this.options.engine.fileLimits(actor, 0);
    return fileLimitsResponse(view, limits, { secureKey: actor.secureKey, alias: this.chat.alias }, Date.now());
  }

  /**
   * The limits are checked before anything is stored, so a refused file never reaches UCS; if the notice is
   * refused all the same (a concurrent upload used up the allowance), the stored document is removed again.
   */
  async upload(actor: Actor, file: FilePart | undefined, fields: Fields, position: number | undefined): Promise<GmsResponse> {
    if (!file) throw new GmsApiError(400, 400, 'file is required: send the file as the multipart part "file"');
    const { engine, ucs } = this.options;
    const { interactionId } = await engine.checkUpload(actor, { name: file.originalname, size: file.buffer.length });
    const document = await ucs.addDocument({
      name: file.originalname,
      mimeType: file.mimetype,
      content: file.buffer,
      ...(interactionId ? { interactionId } : {}),
    });
    const { event, view } = await engine.notice(actor, fileUploadedNotice(document, fields), readFrom(position)).catch(async (error: unknown) => {
      await ucs
        .removeDocument(document.documentId)
        .catch((err: unknown) => this.logger.error({ err, documentId: document.documentId }, 'could not remove the document of a refused upload'));
      throw error;
    });
    return fileUploadedResponse(this.chat.reply(actor, view, position), String(event.userData?.[FILE_KEYS.id]));
  }

  /** Counted against the customer's `download-attempts`; a file of another chat is unknown here. */
  async download(actor: Actor, fileId: string): Promise<StreamableFile> {
    const file = await this.options.engine.download(actor, fileId);
    const document = await this.options.ucs.getDocument(file.documentId);
    if (!document) throw new ChatError('FILE_NOT_FOUND', `file ${fileId.slice(0, 40)} is no longer stored`);
    return attachment(document, file.name);
  }

  /** The domain lets a customer delete only its own files; once the notice is posted, the document goes. */
  async remove(actor: Actor, fileId: string, position: number | undefined): Promise<GmsResponse> {
    const { engine, ucs } = this.options;
    const file = findFile(
      (await engine.read(actor, 0)).events.map((e) => e.event),
      fileId,
    );
    if (!file) throw new ChatError('FILE_NOT_FOUND', `no file ${fileId.slice(0, 40)} in this chat`);
    const { view } = await engine.notice(actor, fileDeletedNotice(fileId), readFrom(position));
    await ucs.removeDocument(file.documentId);
    return this.chat.reply(actor, view, position);
  }
}
