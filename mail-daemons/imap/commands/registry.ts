// Every command the server knows, by name ("UID FETCH" for the UID forms).
import { appendCommand } from "./append.ts";
import { authenticateCommand } from "./authenticate.ts";
import { capabilityCommand } from "./capability.ts";
import { checkCommand } from "./check.ts";
import { closeCommand } from "./close.ts";
import type { Command } from "./command.ts";
import { copyCommandSpec, uidCopyCommand } from "./copy.ts";
import { createCommand } from "./create.ts";
import { deleteCommand } from "./delete.ts";
import { enableCommand } from "./enable.ts";
import { expungeCommand, uidExpungeCommand } from "./expunge.ts";
import { fetchCommandSpec, uidFetchCommand } from "./fetch.ts";
import { idCommand } from "./id.ts";
import { idleCommand } from "./idle.ts";
import { listCommand } from "./list.ts";
import { loginCommand } from "./login.ts";
import { logoutCommand } from "./logout.ts";
import { lsubCommand } from "./lsub.ts";
import { moveCommandSpec, uidMoveCommand } from "./move.ts";
import { namespaceCommand } from "./namespace.ts";
import { noopCommand } from "./noop.ts";
import { getQuotaCommand, getQuotaRootCommand, setQuotaCommand } from "./quota.ts";
import { renameCommand } from "./rename.ts";
import { searchCommandSpec, uidSearchCommand } from "./search.ts";
import { examineCommand, selectCommandSpec } from "./select.ts";
import { starttlsCommand } from "./starttls.ts";
import { statusCommand } from "./status.ts";
import { storeCommandSpec, uidStoreCommand } from "./store.ts";
import { subscribeCommand, unsubscribeCommand } from "./subscribe.ts";
import { unselectCommand } from "./unselect.ts";

const ALL: Command[] = [
  capabilityCommand,
  noopCommand,
  logoutCommand,
  starttlsCommand,
  authenticateCommand,
  loginCommand,
  enableCommand,
  idCommand,
  selectCommandSpec,
  examineCommand,
  createCommand,
  deleteCommand,
  renameCommand,
  subscribeCommand,
  unsubscribeCommand,
  listCommand,
  lsubCommand,
  namespaceCommand,
  statusCommand,
  appendCommand,
  idleCommand,
  checkCommand,
  closeCommand,
  unselectCommand,
  expungeCommand,
  uidExpungeCommand,
  searchCommandSpec,
  uidSearchCommand,
  fetchCommandSpec,
  uidFetchCommand,
  storeCommandSpec,
  uidStoreCommand,
  copyCommandSpec,
  uidCopyCommand,
  moveCommandSpec,
  uidMoveCommand,
  getQuotaCommand,
  getQuotaRootCommand,
  setQuotaCommand,
];

export const COMMANDS: ReadonlyMap<string, Command> = new Map(ALL.map((command) => [command.name, command]));
