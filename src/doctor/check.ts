/** One line of `nslab doctor`. */
export interface Check {
  readonly name: string;
  readonly status: 'ok' | 'warn' | 'fail';
  readonly detail: string;
  /** `nslab doctor --fix` can repair it. */
  readonly fixable?: boolean;
}
