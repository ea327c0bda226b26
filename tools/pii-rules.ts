// The PII rule sets UCS holds per tenant ([transcript-cleanup] apply-config ucs or mix), in the store of the
// configuration (--config / OCS_CONFIG / OCS__*): the embedded file UCS or the cluster's Cassandra.
//
//   npm run pii-rules -- show 1
//   npm run pii-rules -- put 1 rules.json
//   npm run pii-rules -- remove 1
import { PiiRulesCommandError, loadConfigOrExit, runPiiRulesCommand } from '@ocs/wiring';

const args = process.argv.slice(2).filter((arg, i, all) => arg !== '--config' && !arg.startsWith('--config=') && all[i - 1] !== '--config');
runPiiRulesCommand(args, loadConfigOrExit('pii-rules')).then(
  (output) => process.stdout.write(`${output}\n`),
  (error: unknown) => {
    process.stderr.write(`pii-rules: ${error instanceof PiiRulesCommandError ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
