// The `factory` command: `npx factory --help`.
import { Command } from 'commander';
import { registerAccessCommands } from './commands/access.js';
import { registerApprovalCommands } from './commands/approvals.js';
import { registerAuditCommand } from './commands/audit.js';
import { registerBackfillCommands } from './commands/backfill.js';
import { registerCatalogCommands } from './commands/catalog.js';
import { registerCdcCommands } from './commands/cdc.js';
import { registerCodecServerCommand } from './commands/codec-server.js';
import { registerConsoleCommand } from './commands/console.js';
import { registerDomainCommands } from './commands/domains.js';
import { registerEraseCommands } from './commands/erase.js';
import { registerLoginCommands } from './commands/login.js';
import { registerPublishCommand } from './commands/publish.js';
import { registerQualifiedCommands } from './commands/qualified.js';
import { registerQualityCommands } from './commands/quality.js';
import { registerRetentionCommands } from './commands/retention.js';
import { registerSelfCheckCommand } from './commands/selfcheck.js';
import { registerSourceCommands } from './commands/source.js';
import { registerStackCommands } from './commands/stack.js';
import { registerStatusCommand } from './commands/status.js';
import { registerVerifyCommand } from './commands/verify.js';
import { registerWhoamiCommand } from './commands/whoami.js';
import { registerWorkerCommand } from './commands/worker.js';

const program = new Command()
  .name('factory')
  .description('Data Factory: backfill, change capture, quality gates and governed publication of operational data')
  .showHelpAfterError();

registerDomainCommands(program);
registerBackfillCommands(program);
registerCdcCommands(program);
registerCatalogCommands(program);
registerQualityCommands(program);
registerPublishCommand(program);
registerApprovalCommands(program);
registerAuditCommand(program);
registerStatusCommand(program);
registerRetentionCommands(program);
registerEraseCommands(program);
registerStackCommands(program);
registerWorkerCommand(program);
registerCodecServerCommand(program);
registerConsoleCommand(program);
registerSelfCheckCommand(program);
registerVerifyCommand(program);
registerQualifiedCommands(program);
registerAccessCommands(program);
registerSourceCommands(program);
registerLoginCommands(program);
registerWhoamiCommand(program);

try {
  await program.parseAsync(process.argv);
} catch (error) {
  // Expected failures (bad input, unknown names) print their message only; the stack trace adds nothing for a user.
  // A failed workflow's reason sits in its cause chain (WorkflowFailedError → ApplicationFailure → …).
  const lines: string[] = [];
  for (let e: unknown = error; e instanceof Error; e = e.cause) lines.push(`${e.name}: ${e.message}`);
  console.error(lines.length ? lines.join('\n  caused by ') : String(error));
  process.exit(1);
}
