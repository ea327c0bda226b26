/**
 * Test support of the chat domain (`@ocs/chat-domain/testing`): a clock moved by hand and predictable ids. Kept
 * out of the production index and, under `test/`, out of the build.
 */
export * from './clock';
