// One dynalite (a local DynamoDB emulator) for a benchmark, with the SDK and dynalite
// resolved from the rendered project's node_modules, as the generated store resolves them.
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

/** Starts dynalite on a free port; `awsEnv` points an SDK client (or a child process) at it. */
export async function startDynalite(project) {
  const requireFromProject = createRequire(join(project, 'package.json'));
  const { default: dynalite } = await import(pathToFileURL(requireFromProject.resolve('dynalite')).href);
  const sdk = await import(pathToFileURL(requireFromProject.resolve('@aws-sdk/client-dynamodb')).href);
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise((done) => server.listen(0, '127.0.0.1', done));
  const awsEnv = {
    AWS_ENDPOINT_URL_DYNAMODB: `http://127.0.0.1:${server.address().port}`,
    AWS_REGION: 'eu-west-1',
    AWS_ACCESS_KEY_ID: 'bench',
    AWS_SECRET_ACCESS_KEY: 'bench',
  };
  const client = new sdk.DynamoDBClient({ endpoint: awsEnv.AWS_ENDPOINT_URL_DYNAMODB, region: awsEnv.AWS_REGION, credentials: { accessKeyId: 'bench', secretAccessKey: 'bench' } });
  return {
    sdk,
    client,
    awsEnv,
    /** A pay-per-request table keyed by one string attribute. */
    async createTable(name, keyAttribute = 'pk') {
      await client.send(
        new sdk.CreateTableCommand({
          TableName: name,
          AttributeDefinitions: [{ AttributeName: keyAttribute, AttributeType: 'S' }],
          KeySchema: [{ AttributeName: keyAttribute, KeyType: 'HASH' }],
          BillingMode: 'PAY_PER_REQUEST',
        }),
      );
    },
    async countItems(name) {
      const { Count } = await client.send(new sdk.ScanCommand({ TableName: name, Select: 'COUNT' }));
      return Count;
    },
    async stop() {
      client.destroy();
      await new Promise((done) => server.close(done));
    },
  };
}
