// The receiver's constants and its port error, apart from receiver.ts so that settings and the Start
// command can use them without loading the receiver (and, through classification, the signature tables).

export const RECEIVER_HOST = '127.0.0.1';
export const DEFAULT_MAX_BODY_SIZE = 25 * 1024 * 1024;

export class PortInUseError extends Error {
  constructor(readonly port: number) {
    super(`Port ${port} is already in use on ${RECEIVER_HOST}. Choose another port, or 0 for any free port.`);
    this.name = 'PortInUseError';
  }
}
