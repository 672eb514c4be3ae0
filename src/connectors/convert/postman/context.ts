/** State shared by the Postman converter's modules. */
import type { IssueLog } from '../conversion.ts';

/** What every Postman conversion step reads and reports to. */
export interface PostmanContext {
  readonly log: IssueLog;
  /** Collection variables (`{{name}}` → value); disabled ones are left out. */
  readonly variables: ReadonlyMap<string, string>;
}
