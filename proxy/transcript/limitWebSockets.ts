import type { WebSocketServer } from 'ws'
import type { Config } from '../loadConfig.ts'

/**
 * Frames a little over TRANSCRIBE_MAX_FRAME_BYTES still reach the relay, which answers with a clear
 * payload_too_large; larger ones (binary or text) are refused by the WebSocket library from the frame header (close
 * 1009), before it buffers them.
 */
export const FRAME_SLACK_BYTES = 1024

/** The WebSocket server never buffers a frame larger than the audio frame limit (the library's default is 100 MiB). */
export function limitWebSockets(wss: WebSocketServer, { transcribe }: Pick<Config, 'transcribe'>): void {
  wss.options.maxPayload = transcribe.maxFrameBytes + FRAME_SLACK_BYTES
}
