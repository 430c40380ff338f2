/** Time as a port, so services that depend on it can be tested with a fake clock. */
export abstract class ClockPort {
  abstract now(): number;
}

export class SystemClock extends ClockPort {
  now(): number {
    return Date.now();
  }
}
